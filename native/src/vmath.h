/* Branch-free float math the compiler can vectorize (inside TS_CLONES loops), accurate to a few
 * ulp: libm's expf/erff are scalar calls and made softmax, silu and gelu compute-bound. */
#ifndef TS_VMATH_H
#define TS_VMATH_H
#include <math.h>
#include <stdint.h>

/* exp(x): n = round(x / ln2) by the 1.5 * 2^23 trick, r = x - n ln2 in two parts, a degree-6
 * polynomial for exp(r), then the exponent bits; 2^(n-1) * 2 keeps n = 128 representable.
 * Written as selects without calls so it vectorizes. */
static inline float ts_expf(float x) {
  const float hi = 88.72283f, lo = -87.33654f;
  float xc = x > hi ? hi : x;
  xc = xc < lo ? lo : xc;
  const float n = (xc * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
  float r = xc - n * 0.693359375f;
  r = r + n * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * (r * r) + r + 1.0f;
  const union { uint32_t u; float f; } s = {.u = (uint32_t)((int32_t)n + 126) << 23};
  float y = (p * 2.0f) * s.f;
  y = x > hi ? INFINITY : y;
  y = x < lo ? 0.0f : y;
  return x != x ? x : y;
}

/* exp(x) for x already clamped to [-87.33654, 88]: the result is a normal float and needs no
 * overflow or underflow selects. t = x / ln2 + (1.5 * 2^23 + 127) rounds x / ln2 to an integer
 * n and leaves n + 127 in t's low mantissa bits, so shifting t's bits by 23 gives 2^n without a
 * conversion; r = x - n ln2 in two parts, and a degree-6 minimax polynomial (relative error
 * 2e-9) for exp(r). */
static inline float ts_exp_bounded(float x) {
  const float t = x * 1.44269504088896341f + 12583039.0f;
  const float n = t - 12583039.0f;
  float r = x - n * 0.693359375f;
  r = r + n * 2.12194440e-4f;
  float p = 1.383579685e-3f;
  p = p * r + 8.375645615e-3f;
  p = p * r + 4.166828841e-2f;
  p = p * r + 1.666641086e-1f;
  p = p * r + 4.999999106e-1f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  union { float f; uint32_t u; } s = {.f = t};
  s.u <<= 23;
  return p * s.f;
}

/* Clamps keep NaN (a false comparison keeps x). */
static inline float ts_clamp_exp_arg(float x) {
  x = x > 88.0f ? 88.0f : x;
  return x < -87.33654f ? -87.33654f : x;
}

/* 1 / (1 + exp(-x)); exp(-x) saturates at e^88 and e^-87.3, where the result is 0 or 1 to float
 * precision anyway. */
static inline float ts_sigmoidf(float x) { return 1.0f / (1.0f + ts_exp_bounded(ts_clamp_exp_arg(-x))); }

/* Phi(x), the standard normal CDF (gelu(x) = x Phi(x)). The smaller side c = Phi(-|x|) is
 * 0.5 q(|x|)^-16 with q a degree-8 polynomial fitted to (2c)^(-1/16) on [0, 6.5]: one division
 * and no exp, c keeps its relative accuracy deep into the tail, and q^16 overflows to inf (c = 0)
 * far out. gelu's absolute error stays below 4e-7 for every x (Abramowitz & Stegun 7.1.26 with
 * an exp, used before, 4.6e-7); NaN propagates. */
static inline float ts_phif(float x) {
  const float a = fabsf(x);
  float q = 1.838998145e-07f;
  q = q * a - 1.421234856e-06f;
  q = q * a + 8.802065167e-06f;
  q = q * a + 4.768662257e-05f;
  q = q * a + 3.180480780e-05f;
  q = q * a + 3.286155872e-03f;
  q = q * a + 2.113724500e-02f;
  q = q * a + 4.986782745e-02f;
  q = q * a + 1.0f;
  q = q * q;
  q = q * q;
  q = q * q;
  q = q * q;
  const float c = 0.5f / q;
  return x < 0.0f ? c : 1.0f - c;
}

/* exp(x) for x <= 0 (a value minus its row's max or log-sum-exp): exactly 0 below -87.3, so
 * -inf (a masked entry) gives 0. */
static inline float ts_exp_nonpos(float x) {
  const float e = ts_exp_bounded(x < -87.33654f ? -87.33654f : x);
  return x < -87.33654f ? 0.0f : e;
}
#endif
