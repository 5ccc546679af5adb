// Every page reads IndexedDB, so the app is client-rendered; the server only serves the shell.
export const ssr = false;
export const prerender = false;
