/**
 * Finds user-facing text in a .svelte file that is a bare literal instead of a message
 * (src/lib/i18n/ui-literals.test.ts fails on any). Node-only: a test helper, never bundled.
 *
 * What counts as user-facing, precisely enough not to flag code, CSS or member content:
 * - markup text with a letter in it (`<p>Save</p>`), outside <style>/<script>;
 * - the attributes people read or hear: aria-label, title, placeholder, alt, … and the
 *   text-like props of components (label, title, message, confirmLabel, …), as static text or
 *   as a string literal an expression evaluates to (`title={open ? 'Close' : 'Open'}`);
 * - a string literal an expression in text position evaluates to (`{saved ? 'Saved' : 'Save'}`);
 *   literals passed to a function (`{fmt(x, 'short')}`) are code and are not flagged;
 * - in the component's script, a sentence-like literal (starts with a capital letter and has a
 *   space or ends in . ? ! …), outside imports, comparisons and console calls.
 * Member-written content always arrives through expressions (`{doc.title}`), so it is never
 * flagged; text without letters (`·`, `—`, `×`, `3`) is not language.
 */
import { parse } from 'svelte/compiler';

export interface Literal {
  line: number;
  text: string;
  where: string;
}

const LETTER = /\p{L}/u;
const USER_ATTRS = new Set([
  'aria-label', 'aria-description', 'aria-placeholder', 'aria-roledescription', 'aria-valuetext',
  'title', 'placeholder', 'alt', 'label'
]);
const USER_PROP = /(label|title|text|message|heading|placeholder|hint|description|caption|legend|empty|question|prompt|confirm|cancel)$/i;
const SENTENCE = /^[\p{Lu}][\p{L}'’]*(?:[ ,:;—–-]+\S|[.?!…]$)/u;
/** A capitalised word shown as a label ('Open', 'Done'): flagged where a value is chosen, not where code compares or calls. */
const WORD = /^\p{Lu}\p{Ll}{2,}$/u;
const VALUE_PARENTS = new Set(['ReturnStatement', 'ConditionalExpression', 'ArrayExpression', 'AssignmentExpression', 'VariableDeclarator', 'LogicalExpression', 'AssignmentPattern']);
const isLabelWord = (value: string, parent: { type: string; key?: unknown } | null, node: unknown, module = false): boolean =>
  (WORD.test(value) && !!parent && ((VALUE_PARENTS.has(parent.type) && !(module && parent.type === 'ArrayExpression')) || (parent.type === 'Property' && parent.key !== node))) ||
  (PHRASE.test(value) && parent?.type === 'ReturnStatement');
/** Lower-case words returned as text ('closing now'); a template with words between its holes (`closes in ${n} min`). */
const PHRASE = /^\p{Ll}{2,}(?: \p{L}+)+$/u;
const TEMPLATE_WORDS = /\p{L}{2,} \p{L}{2,}/u;

type Node = { type: string; start: number; end: number; [k: string]: unknown };

export function scanSvelte(source: string): Literal[] {
  const ast = parse(source, { modern: true }) as unknown as { fragment: Node; instance?: { content: Node } };
  const found: Literal[] = [];
  const lineOf = (pos: number) => source.slice(0, pos).split('\n').length;
  const seen = new Set<number>();
  const add = (node: Node, text: string, where: string) => {
    if (seen.has(node.start)) return;
    seen.add(node.start);
    found.push({ line: lineOf(node.start), text: text.trim(), where });
  };
  walkFragment(ast.fragment, add);
  if (ast.instance) walkScript(ast.instance.content, (n, text) => add(n, text, 'script'));
  return found;
}

type Add = (node: Node, text: string, where: string) => void;

function walkFragment(fragment: Node, add: Add): void {
  for (const node of (fragment.nodes as Node[]) ?? []) walkNode(node, add);
}

function walkNode(node: Node, add: Add): void {
  if (node.type === 'Text') {
    if (LETTER.test(String(node.data))) add(node, String(node.data), 'text');
    return;
  }
  if (node.type === 'ExpressionTag') {
    resultLiterals(node.expression as Node, (lit, text) => add(lit, text, 'expression'));
    // Sentences built inside the expression (`{[`closes ${when}`, …].join(' · ')}`).
    walkScript(node.expression as Node, (n, text) => add(n, text, 'expression'));
    return;
  }
  if ((node.type === 'RegularElement' && (node.name === 'style' || node.name === 'script'))) return;
  const isComponent = node.type === 'Component' || node.type === 'SvelteComponent';
  for (const attr of (node.attributes as Node[]) ?? []) walkAttribute(attr, isComponent, add);
  for (const value of Object.values(node)) {
    if (value && typeof value === 'object' && (value as Node).type === 'Fragment') walkFragment(value as Node, add);
  }
}

function walkAttribute(attr: Node, isComponent: boolean, add: Add): void {
  if (attr.type !== 'Attribute') return;
  const name = String(attr.name);
  if (!USER_ATTRS.has(name) && !(isComponent && USER_PROP.test(name))) return;
  const parts = Array.isArray(attr.value) ? (attr.value as Node[]) : attr.value === true ? [] : [attr.value as Node];
  for (const part of parts) {
    if (part.type === 'Text' && LETTER.test(String(part.data))) add(part, String(part.data), `${name}=`);
    if (part.type === 'ExpressionTag') resultLiterals(part.expression as Node, (lit, text) => add(lit, text, `${name}=`));
  }
}

/** String literals an expression can evaluate to (not those it passes to calls or compares). */
function resultLiterals(expr: Node | null | undefined, hit: (node: Node, text: string) => void): void {
  if (!expr) return;
  switch (expr.type) {
    case 'Literal':
      if (typeof expr.value === 'string' && LETTER.test(expr.value)) hit(expr, expr.value);
      return;
    case 'TemplateLiteral':
      for (const q of expr.quasis as Node[]) {
        const raw = String((q.value as { cooked?: string; raw: string }).cooked ?? (q.value as { raw: string }).raw);
        if (LETTER.test(raw)) hit(q, raw);
      }
      for (const e of expr.expressions as Node[]) resultLiterals(e, hit);
      return;
    case 'ConditionalExpression':
      resultLiterals(expr.consequent as Node, hit);
      resultLiterals(expr.alternate as Node, hit);
      return;
    case 'LogicalExpression':
      resultLiterals(expr.right as Node, hit);
      if (expr.operator !== '&&') resultLiterals(expr.left as Node, hit);
      return;
    case 'BinaryExpression':
      if (expr.operator === '+') {
        resultLiterals(expr.left as Node, hit);
        resultLiterals(expr.right as Node, hit);
      }
      return;
    default:
      return;
  }
}

const SKIP_PARENTS = new Set(['ImportDeclaration', 'ExportNamedDeclaration', 'ExportAllDeclaration']);

/** A label word before a hole (`Task: ${title}`, `Due ${date}`): flagged in modules and components. */
const LABEL_HOLE = /^\p{Lu}\p{Ll}+:?\s+$/u;
/** An HTTP header's value (`authorization: \`Bearer ${token}\``): protocol, not language. */
const isHeader = (node: Node): boolean => {
  const key = node.type === 'Property' ? (node.key as Node) : null;
  const name = key ? String(key.type === 'Identifier' ? key.name : key.value) : '';
  return /^(authorization|content-type|accept|www-authenticate)$/i.test(name);
};
/** HTML an exporter writes (`<section class="block">`): markup, not language. */
const MARKUP = /<[a-z!/]|="/i;

/**
 * Sentence-like string literals in the component's script. `module`: a TypeScript module
 * (scanTs), where an array of names is code ('History' as a part's name), markup is the
 * exporter's, and errors thrown are developers' (what people see of an error is a message).
 */
function walkScript(program: Node, hit: (node: Node, text: string) => void, module = false): void {
  const visit = (node: Node, parent: Node | null): void => {
    if (SKIP_PARENTS.has(node.type) && node.type !== 'ExportNamedDeclaration') return;
    if (module && isHeader(node)) return;
    if (module && (node.type === 'ThrowStatement' || (node.type === 'CallExpression' && (node.callee as Node)?.type === 'Super'))) return;
    if (node.type === 'BinaryExpression' && /^[!=]==?$/.test(String(node.operator))) return;
    if (node.type === 'CallExpression' && isConsoleCall(node)) return;
    if (node.type === 'TSLiteralType' || node.type === 'TSUnionType') return;
    if (node.type === 'Literal' && typeof node.value === 'string' && (SENTENCE.test(node.value) || isLabelWord(node.value, parent, node, module))) {
      if (!(parent?.type === 'Property' && parent.key === node) && !(module && MARKUP.test(node.value))) hit(node, node.value);
    }
    if (node.type === 'TemplateElement') {
      const raw = String((node.value as { raw: string }).raw);
      const labelHole = !node.tail && LABEL_HOLE.test(raw);
      if ((SENTENCE.test(raw.trim()) || TEMPLATE_WORDS.test(raw) || labelHole) && !(module && MARKUP.test(raw))) hit(node, raw);
    }
    for (const [key, value] of Object.entries(node)) {
      if (key === 'leadingComments' || key === 'trailingComments') continue;
      if (Array.isArray(value)) for (const v of value) isNode(v) && visit(v, node);
      else if (isNode(value)) visit(value, node);
    }
  };
  visit(program, null);
}

function isNode(v: unknown): v is Node {
  return !!v && typeof v === 'object' && typeof (v as Node).type === 'string';
}

function isConsoleCall(node: Node): boolean {
  const callee = node.callee as Node;
  return callee?.type === 'MemberExpression' && (callee.object as Node)?.type === 'Identifier' && (callee.object as { name: string }).name === 'console';
}


/**
 * The same scan for a TypeScript module that builds words people read or that Mutual writes
 * into a document (the script rules above, as a module: see walkScript). Line numbers are the
 * module's own.
 */
export function scanTs(source: string): Literal[] {
  const wrapped = `<script lang="ts">${source.replace(/<\/script/gi, '<\\/script')}</script>`;
  const ast = parse(wrapped, { modern: true }) as unknown as { instance?: { content: Node } };
  const found: Literal[] = [];
  const lineOf = (pos: number) => wrapped.slice(0, pos).split('\n').length;
  if (ast.instance) walkScript(ast.instance.content, (n, text) => found.push({ line: lineOf(n.start), text: text.trim(), where: 'module' }), true);
  return found;
}

/**
 * Words a stylesheet writes on screen: a `content:` with a quoted string holding a letter
 * (`content: 'Task'`), in a .css file or a component's <style>. Symbols (`content: '•'`, `''`)
 * and `attr(…)` (words put there from the messages) are not language.
 */
export function scanCss(source: string): Literal[] {
  const found: Literal[] = [];
  for (const match of source.matchAll(/content\s*:\s*(?:[^;}'"]*)(['"])((?:\\.|(?!\1).)*)\1/g)) {
    const text = match[2]!;
    if (!LETTER.test(text.replace(/\\[0-9a-f]{1,6}\s?/gi, ''))) continue;
    found.push({ line: source.slice(0, match.index).split('\n').length, text, where: 'css content' });
  }
  return found;
}

/** A component's <style> contents, everything else blanked (line numbers stay the file's). */
export function stylesOf(svelteSource: string): string {
  let out = '';
  let at = 0;
  for (const match of svelteSource.matchAll(/(<style[^>]*>)([\s\S]*?)<\/style>/g)) {
    const start = match.index + match[1]!.length;
    out += blank(svelteSource.slice(at, start)) + match[2]!;
    at = start + match[2]!.length;
  }
  return out + blank(svelteSource.slice(at));
}

const blank = (text: string): string => text.replace(/[^\n]/g, ' ');
