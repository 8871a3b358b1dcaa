/* The vector macros of the AVX2 instantiations of the kernel templates (VT, W, VZERO, VLOAD,
 * VSTORE, VBCAST, VFMA(a, b, c) = a·b + c, SFMA); isa-undef.h removes them again. No include guard:
 * it is included once per instantiation, inside that ISA's target pragma. */
#define VT __m256
#define W 8
#define VZERO() _mm256_setzero_ps()
#define VLOAD(p) _mm256_loadu_ps(p)
#define VSTORE(p, v) _mm256_storeu_ps((p), (v))
#define VBCAST(x) _mm256_set1_ps(x)
#define VFMA(a, b, c) _mm256_fmadd_ps((a), (b), (c))
#define SFMA(a, b, c) __builtin_fmaf((a), (b), (c))
