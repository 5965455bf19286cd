import assert from 'node:assert/strict';
import { request } from '../helpers/http';
import { useStackWithAccount } from '../helpers/use-stack';

describe('Malformed requests', () => {
  const { stack, account } = useStackWithAccount();

  it('answers 400 in the envelope for a body that is not JSON', async () => {
    const res = await request(stack.url('/api/v1/links'), { method: 'POST', headers: { ...account.auth, 'content-type': 'application/json' }, body: '{"link": {' });
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, { success: false, error: 'Request body is not valid JSON' });
  });

  it('answers 413 for a body over the limit and writes nothing', async () => {
    const huge = { link: { destination_url: 'https://example.com', title: 'x'.repeat(2 * 1024 * 1024) } };
    const res = await request(stack.url('/api/v1/links'), { method: 'POST', headers: account.auth, json: huge });
    assert.equal(res.status, 413);
    assert.equal(res.body.success, false);
    assert.equal((await stack.services.db('links').count({ n: '*' }))[0]?.n, 0);
  });

  it('answers 415 for a body sent as something other than JSON', async () => {
    const res = await request(stack.url('/api/v1/links'), { method: 'POST', headers: { ...account.auth, 'content-type': 'text/plain' }, body: 'destination_url=https://example.com' });
    assert.equal(res.status, 415);
  });

  it('answers 400 for a JSON body that is not an object', async () => {
    const res = await request(stack.url('/api/v1/links'), { method: 'POST', headers: account.auth, json: [1, 2] });
    assert.equal(res.status, 400);
  });

  it('answers 422 with readable errors for wrong types and blank or unsafe destinations', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ link: {} }, /Destination url can't be blank/],
      [{ link: { destination_url: '' } }, /Destination url can't be blank/],
      [{ link: { destination_url: 'javascript:alert(1)' } }, /http or https/],
      [{ link: { destination_url: 'data:text/html,hi' } }, /http or https/],
      [{ link: { destination_url: 42 } }, /Destination url/],
      [{}, /Link/],
    ];
    for (const [body, message] of cases) {
      const res = await request(stack.url('/api/v1/links'), { method: 'POST', headers: account.auth, json: body });
      assert.equal(res.status, 422, JSON.stringify(body));
      assert.equal(res.body.error, 'Validation failed');
      assert.match(res.body.errors.join('\n'), message, JSON.stringify(res.body));
    }
  });

  it('answers 404 in the PVTLNK envelope for an unknown API path, and in the pkglnk envelope on its surface', async () => {
    const links = await request(stack.url('/api/v1/nothing-here'), { headers: account.auth });
    assert.equal(links.status, 404);
    assert.equal(links.body.success, false);
    const packages = await request(stack.url('/api/v1/packages/some-package/nothing-here'), { headers: account.auth });
    assert.equal(packages.status, 404);
    assert.equal(packages.body.error.code, 'not_found');
    assert.equal(typeof packages.body.error.message, 'string');
  });

  it('answers 404 for a non-numeric link id, saying what an id must be', async () => {
    for (const id of ['abc', '12345678901234567890']) {
      const res = await request(stack.url(`/api/v1/links/${id}`), { headers: account.auth });
      assert.equal(res.status, 404);
      assert.deepEqual(res.body.errors, ['Id must be a whole number of up to 15 digits'], id);
    }
  });
});
