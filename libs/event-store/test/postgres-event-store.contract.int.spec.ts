import { PostgresEventStore } from '@maillage/event-store';
import { runEventStoreContract } from '@maillage/event-store/contract';
import { createTestDatabase } from '@maillage/testing';

runEventStoreContract('PostgreSQL', async () => {
  const db = await createTestDatabase('es_contract');
  const store = await PostgresEventStore.open({ url: db.url });
  return {
    store,
    cleanup: async () => {
      await store.close();
      await db.drop();
    },
  };
});
