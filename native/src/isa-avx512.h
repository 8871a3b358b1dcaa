/* The vector macros of the AVX512 instantiations of the kernel templates (VT, W, VZERO, VLOAD,
 * VSTORE, VBCAST, VFMA(a, b, c) = a·b + c, SFMA); isa-undef.h removes them again. No include guard:
 * it is included once per instantiation, inside that ISA's target pragma. */
#define VT __m512
#define W 16
#define VZERO() _mm512_setzero_ps()
#define VLOAD(p) _mm512_loadu_ps(p)
#define VSTORE(p, v) _mm512_storeu_ps((p), (v))
#define VBCAST(x) _mm512_set1_ps(x)
#define VFMA(a, b, c) _mm512_fmadd_ps((a), (b), (c))
#define SFMA(a, b, c) __builtin_fmaf((a), (b), (c))
