/**
 * Translation of RE2 patterns (the syntax RegexFullMatch takes) into JS RegExp source for the 'u' flag, so matching
 * counts code points as RE2 counts UTF-8 characters. Where the two differ the translation spells RE2's meaning out:
 * `.` excludes only \n, `\s` is [\t\n\f\r ], `^`/`$` are text (or, with (?m), \n-line) boundaries, `\A`/`\z` text
 * boundaries. What RE2 rejects (lookaround, backreferences) and what has no JS counterpart here (inline flags past the
 * start, (?U), negated POSIX classes) is an error naming the construct.
 */

const POSIX_CLASSES: Record<string, string> = {
  alnum: '0-9A-Za-z', alpha: 'A-Za-z', ascii: '\\x00-\\x7F', blank: '\\t ', cntrl: '\\x00-\\x1F\\x7F', digit: '0-9',
  graph: '!-~', lower: 'a-z', print: ' -~', punct: '!-\\/:-@\\[-`{-~', space: '\\t\\n\\v\\f\\r ', upper: 'A-Z',
  word: '0-9A-Za-z_', xdigit: '0-9A-Fa-f',
};

/** Characters a 'u' RegExp lets (and, for these, makes) one escape. */
const SYNTAX = new Set('^$\\.*+?()[]{}|/');
const RE2_SPACE = '\\t\\n\\f\\r ';

export interface TranslatedPattern {
  source: string;
  flags: string;
}

class Translator {
  private i = 0;
  private out = '';
  private ignoreCase = false;
  private dotAll = false;
  private multiLine = false;

  constructor(private readonly p: string) {}

  translate(): TranslatedPattern {
    this.leadingFlags();
    while (this.i < this.p.length) this.atom();
    return { source: this.out, flags: this.ignoreCase ? 'iu' : 'u' };
  }

  private fail(what: string): never {
    throw new Error(`RegexFullMatch: ${what} at offset ${this.i} of pattern '${this.p}'`);
  }

  /** `(?flags)` at the very start sets flags for the whole pattern. */
  private leadingFlags(): void {
    const m = /^\(\?([imsU]+)\)/.exec(this.p);
    if (!m) return;
    for (const f of m[1]) {
      if (f === 'U') this.fail('the ungreedy flag (?U) is not supported');
      if (f === 'i') this.ignoreCase = true;
      if (f === 's') this.dotAll = true;
      if (f === 'm') this.multiLine = true;
    }
    this.i = m[0].length;
  }

  private atom(): void {
    const c = this.p[this.i];
    switch (c) {
      case '\\':
        this.out += this.escape(false);
        return;
      case '[':
        this.characterClass();
        return;
      case '(':
        this.group();
        return;
      case '.':
        this.out += this.dotAll ? '[\\s\\S]' : '[^\\n]';
        break;
      case '^':
        this.out += this.multiLine ? '(?<![^\\n])' : '(?<![\\s\\S])';
        break;
      case '$':
        this.out += this.multiLine ? '(?![^\\n])' : '(?![\\s\\S])';
        break;
      case '{': {
        // A repeat count, or else a literal brace as RE2 reads it.
        const m = /^\{\d+(,\d*)?\}/.exec(this.p.slice(this.i));
        this.out += m ? m[0] : '\\{';
        this.i += m ? m[0].length : 1;
        return;
      }
      case '}':
      case ']':
        this.out += `\\${c}`;
        break;
      default:
        this.out += c;
    }
    this.i++;
  }

  private group(): void {
    const rest = this.p.slice(this.i);
    const named = /^\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(rest);
    if (named) {
      this.out += `(?<${named[1]}>`;
      this.i += named[0].length;
    } else if (rest.startsWith('(?:')) {
      this.out += '(?:';
      this.i += 3;
    } else if (/^\(\?(=|!|<=|<!)/.test(rest)) {
      this.fail('lookaround is not RE2 syntax');
    } else if (rest.startsWith('(?P=')) {
      this.fail('backreferences are not RE2 syntax');
    } else if (rest.startsWith('(?')) {
      this.fail('flags are supported only as one (?flags) group at the start');
    } else {
      this.out += '(';
      this.i++;
    }
  }

  private characterClass(): void {
    this.i++;
    let body = '';
    if (this.p[this.i] === '^') {
      body += '^';
      this.i++;
    }
    // A ']' first in the class is a literal.
    if (this.p[this.i] === ']') {
      body += '\\]';
      this.i++;
    }
    for (;;) {
      if (this.i >= this.p.length) this.fail('missing ] to close a character class');
      const c = this.p[this.i];
      if (c === ']') break;
      const posix = /^\[:(\^?)([a-z]+):\]/.exec(this.p.slice(this.i));
      if (posix) {
        if (posix[1]) this.fail(`negated POSIX class [:^${posix[2]}:] is not supported`);
        const ranges = POSIX_CLASSES[posix[2]];
        if (!ranges) this.fail(`unknown POSIX class [:${posix[2]}:]`);
        body += ranges;
        this.i += posix[0].length;
      } else if (c === '\\') {
        body += this.escape(true);
      } else {
        body += c === '[' ? '\\[' : c;
        this.i++;
      }
    }
    this.i++;
    this.out += `[${body}]`;
  }

  /** The escape at this.i (a backslash) as JS source; advances past it. */
  private escape(inClass: boolean): string {
    const c = this.p[this.i + 1];
    if (c === undefined) this.fail('trailing backslash');
    this.i += 2;
    switch (c) {
      case 'd': case 'D': case 'w': case 'W': case 'n': case 't': case 'r': case 'f': case 'v':
        return `\\${c}`;
      case 'b': case 'B':
        if (inClass) this.fail(`\\${c} inside a character class`);
        return `\\${c}`;
      case 's':
        return inClass ? RE2_SPACE : `[${RE2_SPACE}]`;
      case 'S':
        if (inClass) this.fail('\\S inside a character class is not supported');
        return `[^${RE2_SPACE}]`;
      case 'a':
        return '\\x07';
      case 'A':
      case 'z':
        if (inClass) this.fail(`\\${c} inside a character class`);
        return c === 'A' ? '(?<![\\s\\S])' : '(?![\\s\\S])';
      case 'p':
      case 'P':
        return this.unicodeClass(c);
      case 'x':
        return this.hexEscape();
      case 'Q':
        return this.quoted(inClass);
      default:
        break;
    }
    if (c >= '0' && c <= '7') return this.octalEscape(c);
    if (/[0-9A-Za-z]/.test(c)) this.fail(`\\${c} is not RE2 syntax supported here`);
    // Escaped punctuation is a literal.
    return SYNTAX.has(c) || (inClass && c === '-') ? `\\${c}` : c;
  }

  /** \pL, \p{Greek}, \PN, \p{^Lu}: general categories pass through, other names are scripts. */
  private unicodeClass(letter: 'p' | 'P'): string {
    let name: string;
    if (this.p[this.i] === '{') {
      const end = this.p.indexOf('}', this.i);
      if (end < 0) this.fail('missing } after \\p{');
      name = this.p.slice(this.i + 1, end);
      this.i = end + 1;
    } else {
      name = this.p[this.i] ?? '';
      this.i++;
    }
    let negated = letter === 'P';
    if (name.startsWith('^')) {
      negated = !negated;
      name = name.slice(1);
    }
    if (!/^[A-Za-z_]+$/.test(name)) this.fail(`bad Unicode class name '${name}'`);
    const property = name === 'Any' || /^[A-Z][a-z]?$/.test(name) ? name : `Script=${name}`;
    return `\\${negated ? 'P' : 'p'}{${property}}`;
  }

  private hexEscape(): string {
    const m = /^\{([0-9A-Fa-f]{1,6})\}|^([0-9A-Fa-f]{2})/.exec(this.p.slice(this.i));
    if (!m) this.fail('\\x needs two hex digits or {hex}');
    this.i += m[0].length;
    return `\\u{${m[1] ?? m[2]}}`;
  }

  /** \0, \0nn or \nnn (up to three octal digits); a lone \1-\7 would be a backreference, which RE2 rejects. */
  private octalEscape(first: string): string {
    const m = /^[0-7]{0,2}/.exec(this.p.slice(this.i))![0];
    if (first !== '0' && m.length === 0) this.fail(`backreference \\${first} is not RE2 syntax`);
    this.i += m.length;
    return `\\u{${parseInt(first + m, 8).toString(16)}}`;
  }

  /** \Q...\E: literal text. */
  private quoted(inClass: boolean): string {
    const end = this.p.indexOf('\\E', this.i);
    const text = this.p.slice(this.i, end < 0 ? undefined : end);
    this.i = end < 0 ? this.p.length : end + 2;
    return [...text].map((ch) => (SYNTAX.has(ch) || (inClass && ch === '-') ? `\\${ch}` : ch)).join('');
  }
}

/** The RE2 pattern as JS RegExp source and flags (unanchored: the caller anchors for a full match). */
export function translateRe2(pattern: string): TranslatedPattern {
  return new Translator(pattern).translate();
}
