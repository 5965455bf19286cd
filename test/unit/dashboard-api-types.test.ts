import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { generateSchemaTypes, SCHEMA_FILE } from '../../dashboard/scripts/openapi-types';

describe('the dashboard API client types', function () {
  this.timeout(60_000); // openapi-typescript is slow to load
  it('match the OpenAPI document the server builds (run npm run dashboard:types after changing a route)', async () => {
    assert.equal(readFileSync(SCHEMA_FILE, 'utf8'), await generateSchemaTypes());
  });
});
