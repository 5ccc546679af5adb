import { runDocumentStoreTests } from './acceptance.ts';
import { createMemoryStore, type MemoryStoreData } from './memory.ts';

runDocumentStoreTests('memory', async () => {
  const data: MemoryStoreData = new Map();
  let store = createMemoryStore(data);
  return {
    store,
    async reopen() {
      await store.close();
      return (store = createMemoryStore(data));
    },
    async teardown() {
      await store.close();
    }
  };
});
