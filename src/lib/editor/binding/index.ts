/** Framework-free Lexical ↔ Yjs binding (what upstream's React CollaborationPlugin does). */
export { bindEditorToDoc, type BindOptions, type Collaboration } from './collaboration.ts';
export { type CollabProvider, type EditorUser, toLexicalProvider } from './provider.ts';
export { MemoryProvider, linkPeers, type PeerLink } from './memory-provider.ts';
