// A long, varied, deterministic test text: prose, contractions, numbers, whitespace runs
// (tabs, trailing spaces, blank lines), code, CJK, RTL scripts, emoji sequences, symbols.
const pieces = [
  "It's the people's choice; we're sure they'll say they'd rather we've done it. I'm here.",
  "DON'T SHOUT: IT'S LOUD, WE'RE DONE, THEY'LL SEE, I'M OUT, YOU'D KNOW, WE'VE WON.",
  'Numbers: 0 7 42 1234567890 3.14159 -2.5e-10 1,000,000 $19.99 50% 2nd 3rd 4th 1/2',
  'Whitespace   runs\t\ttabs \t mixed    \n\n\n  indented line   \n\ttrailing spaces   ',
  '   leading spaces and a lone  \r\n CRLF line\r\n\r\n',
  'function add(a: number, b: number): number {\n  return a + b; // sum\n}\n',
  'def f(x):\n    if x > 0:\n        return x ** 2\n    return -x  # negate\n',
  'const url = "https://example.com/path?q=1&r=two#frag"; obj = {"key": [1, 2, {"n": null}]};',
  '日本語のテキストです。中文文本，包含标点符号！한국어 문장입니다.',
  'Ελληνικά κείμενα, русский текст, עברית, العربية النص, हिन्दी पाठ, ภาษาไทย',
  'Emoji: 😀 👍🏽 👨‍👩‍👧‍👦 🇺🇸🇯🇵 ❤️ 🧑🏿‍💻 ✨🎉 and text😀mixed',
  'Combining: é (e\u0301) ñ (n\u0303) Å Ω ≈ ∑ ∫ √ ∞ ≠ ≤ ≥ → ⇒ • … — – « » “quotes” ‘single’',
  'Markdown: # Title\n\n- item *one*\n- item **two**\n\n```ts\nlet x = 1;\n```\n',
  "Mr. O'Brien's dog's bone isn't Ann's; rock'n'roll 'quoted' ''double'' '''triple'''",
  'Repeated!!!!! ???? ...... ------ ====== ****** ______ ~~~~~~ ###### @@@@@ &&&& ||||',
  '\u00a0non-breaking\u00a0space\u2003em space\u3000ideographic space\u200bzero width',
  'Fellow-Citizens of the Senate and House of Representatives: In meeting you again I feel much satisfaction.',
];

/** About `chars` characters made by a seeded shuffle of the pieces with varied separators. */
export function variedText(chars = 40_000, seed = 1): string {
  let s = seed >>> 0;
  const rand = (n: number): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
  const seps = [' ', '\n', '\n\n', '  ', '\t', ' \n', '   \n\n', '', '\r\n'];
  let out = '';
  while (out.length < chars) out += pieces[rand(pieces.length)]! + seps[rand(seps.length)]!;
  return out + '  \n\n   ';
}
