/* Ends one ISA's instantiation of a kernel template: undefines the vector macros it set (SFX, VT,
 * W, VZERO, VLOAD, VSTORE, VBCAST, VFMA, SFMA) so the next ISA can define its own. No include
 * guard: it is meant to be included once per instantiation. */
#undef SFX
#undef VT
#undef W
#undef VZERO
#undef VLOAD
#undef VSTORE
#undef VBCAST
#undef VFMA
#undef SFMA
