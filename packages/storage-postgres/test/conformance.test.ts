import { VirtualClock } from '@smmbot/core';
import { storageConformance } from '@smmbot/core/testing';
import { describe } from 'vitest';
import { createPostgresStorage } from '../src/index.js';
import { dropSchema, freshSchema, url } from './helpers.js';

describe.skipIf(!url)('postgres', () => {
  storageConformance('postgres', async () => {
    const schema = freshSchema();
    const clock = new VirtualClock();
    const backend = createPostgresStorage({ url, clock, schema, poolMax: 4 });
    await backend.ready;
    return { backend, clock, cleanup: () => dropSchema(schema) };
  });
});
