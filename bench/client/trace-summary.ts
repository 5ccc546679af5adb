/**
 * Read a Chromium trace written by `--trace` (trace.ts) and print what a person would look
 * for first in DevTools: per renderer main thread, how busy it was, its long tasks, and the
 * functions with the most self time in the JavaScript samples.
 *
 *   npx tsx bench/client/trace-summary.ts bench/profiles/client-open-mutual.trace.json [--top 25]
 */
import fs from 'node:fs';

interface TraceEvent {
  name: string;
  cat?: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  id?: string;
  args?: Record<string, any>;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  parent?: number;
}

/** Self and total (inclusive) time per function from the trace's CPU profile chunks of one thread (ms). */
function sampleTimes(events: TraceEvent[], pid: number, tid: number): { self: Map<string, number>; total: Map<string, number> } {
  const nodes = new Map<number, ProfileNode>();
  const out = new Map<string, number>();
  const total = new Map<string, number>();
  const keyOf = (node: ProfileNode): string => {
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url ? url.replace(/^.*\//, '') : '';
    return `${functionName || '(anonymous)'} ${file}${file ? `:${lineNumber + 1}` : ''}`;
  };
  const profiles = new Set(events.filter((e) => e.name === 'Profile' && e.pid === pid && e.tid === tid).map((e) => e.id));
  for (const e of events) {
    if (e.name !== 'ProfileChunk' || e.pid !== pid || !profiles.has(e.id)) continue;
    const data = e.args?.data;
    for (const n of (data?.cpuProfile?.nodes ?? []) as ProfileNode[]) nodes.set(n.id, n);
    const samples: number[] = data?.cpuProfile?.samples ?? [];
    const deltas: number[] = data?.timeDeltas ?? [];
    samples.forEach((id, i) => {
      const node = nodes.get(id);
      if (!node) return;
      const ms = (deltas[i] ?? 0) / 1000;
      out.set(keyOf(node), (out.get(keyOf(node)) ?? 0) + ms);
      // Each function once per sample, however deep it recursed.
      const seen = new Set<string>();
      for (let n: ProfileNode | undefined = node; n; n = n.parent === undefined ? undefined : nodes.get(n.parent)) seen.add(keyOf(n));
      for (const key of seen) total.set(key, (total.get(key) ?? 0) + ms);
    });
  }
  return { self: out, total };
}

/** Time of the renderer's own work by trace event (style, layout, paint, parsing, GC…), top-level or nested (ms). */
function rendererWork(events: TraceEvent[], pid: number, tid: number): Map<string, number> {
  const names = ['UpdateLayoutTree', 'Layout', 'Paint', 'PrePaint', 'Layerize', 'ParseHTML', 'EvaluateScript', 'v8.compile', 'v8.compileModule', 'MinorGC', 'MajorGC', 'V8.GC_SCAVENGER', 'FunctionCall', 'TimerFire', 'FireAnimationFrame', 'EventDispatch', 'RunMicrotasks'];
  const out = new Map<string, number>();
  for (const e of events) {
    if (e.pid !== pid || e.tid !== tid || e.ph !== 'X' || e.dur === undefined || !names.includes(e.name)) continue;
    out.set(e.name, (out.get(e.name) ?? 0) + e.dur / 1000);
  }
  return out;
}

function main(): void {
  const [file, ...rest] = process.argv.slice(2);
  if (!file) throw new Error('usage: trace-summary.ts <trace.json> [--top N]');
  const top = Number(rest[rest.indexOf('--top') + 1] ?? 25) || 25;
  const raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  const events: TraceEvent[] = Array.isArray(raw) ? raw : raw.traceEvents;
  const mains = events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const urls = new Map<number, string>();
  for (const e of events) if (e.name === 'TracingStartedInBrowser') for (const f of e.args?.data?.frames ?? []) urls.set(f.processId, f.url);
  for (const m of mains) {
    const tasks = events.filter((e) => e.pid === m.pid && e.tid === m.tid && e.name === 'RunTask' && e.ph === 'X' && e.dur !== undefined);
    if (tasks.length === 0) continue;
    const start = Math.min(...tasks.map((t) => t.ts));
    const end = Math.max(...tasks.map((t) => t.ts + t.dur!));
    const busy = tasks.reduce((s, t) => s + t.dur!, 0) / 1000;
    const long = tasks.filter((t) => t.dur! > 50_000).sort((a, b) => b.dur! - a.dur!);
    console.log(`\nrenderer ${m.pid} ${urls.get(m.pid) ?? ''}`);
    console.log(`  ${((end - start) / 1000).toFixed(0)} ms traced, main thread busy ${busy.toFixed(0)} ms in ${tasks.length} tasks; ${long.length} tasks over 50 ms`);
    for (const t of long.slice(0, 10)) console.log(`    ${(t.dur! / 1000).toFixed(1)} ms at +${((t.ts - start) / 1000).toFixed(0)} ms`);
    const work = [...rendererWork(events, m.pid, m.tid).entries()].sort((a, b) => b[1] - a[1]);
    console.log(`  by kind of work (nested events overlap): ${work.map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')}`);
    const times = sampleTimes(events, m.pid, m.tid);
    const self = [...times.self.entries()].sort((a, b) => b[1] - a[1]);
    const sum = self.reduce((s, [, v]) => s + v, 0);
    console.log(`  JavaScript samples ${sum.toFixed(0)} ms; most self time:`);
    for (const [name, ms] of self.slice(0, top)) console.log(`    ${ms.toFixed(1).padStart(8)} ms  ${((ms / sum) * 100).toFixed(1).padStart(5)}%  ${name}`);
    const total = [...times.total.entries()].sort((a, b) => b[1] - a[1]);
    console.log('  most total time (the function and what it called):');
    for (const [name, ms] of total.slice(0, top)) console.log(`    ${ms.toFixed(1).padStart(8)} ms  ${((ms / sum) * 100).toFixed(1).padStart(5)}%  ${name}`);
  }
}

main();
