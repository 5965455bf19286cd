import assert from 'node:assert/strict';
import { parseImportCsv, readHeader, roughRowCount } from '../../../../src/domain/jobs/import-csv';
import { planImport } from '../../../../src/domain/jobs/import-plan';
import { validateImportRow } from '../../../../src/domain/jobs/import-row';

describe('import rows', () => {
  it('converts CSV spellings into link fields', () => {
    const outcome = validateImportRow({ destination_url: ' https://example.com ', tags: 'a; b,a', active: 'No', expires_at: '2027-01-01', extra: 'ignored' });
    assert.equal(outcome.ok, true);
    if (!outcome.ok) return;
    assert.equal(outcome.link.destination_url, 'https://example.com/');
    assert.deepEqual(outcome.link.tags, ['a', 'b']);
    assert.equal(outcome.link.active, false);
    assert.equal(outcome.link.expires, true);
    assert.equal(outcome.link.expires_at?.toISOString(), '2027-01-01T00:00:00.000Z');
    assert.equal(outcome.link.title, null);
  });

  it('gives every reason a row is refused, from the shared link rules and the CSV columns', () => {
    const outcome = validateImportRow({ destination_url: 'data:text/html,x', short_code: 'api', password_protected: 'true', scheduled_start_at: '2026-05-01', scheduled_end_at: '2026-04-01' });
    assert.equal(outcome.ok, false);
    if (outcome.ok) return;
    assert.deepEqual(outcome.errors, [
      'Destination url must be a valid http or https URL',
      'Short code is reserved',
      "Password can't be blank when the link is password protected",
      'Scheduled end at must be after scheduled start at',
    ]);
  });

  it('numbers data rows from 1, skipping blank lines, and reads the header case-insensitively', () => {
    const rows = parseImportCsv(' Destination_URL ,Title\r\nhttps://a.example,A\r\n\r\nhttps://b.example,"B ""quoted"""\r\n');
    assert.deepEqual(rows.map((r) => [r.row, r.cells.destination_url, r.cells.title]), [[1, 'https://a.example', 'A'], [2, 'https://b.example', 'B "quoted"']]);
    assert.deepEqual(readHeader('"destination_url",Title\nx'), ['destination_url', 'title']);
    assert.equal(roughRowCount('h\na\nb\n'), 2);
    assert.equal(roughRowCount('h\na\nb'), 2);
  });

  it("reads domain as the link API's hostname field (blank: the default domain) and judges repeated codes per domain", () => {
    const on = (domain: string) => validateImportRow({ destination_url: 'https://example.com', domain });
    const go = on(' GO.Example.com ');
    assert.equal(go.ok && go.link.domain, 'go.example.com');
    const blank = on('');
    assert.equal(blank.ok && 'domain' in blank.link, false);
    assert.deepEqual(on('127.0.0.1'), { ok: false, errors: ['Domain must be a domain name, not an IP address'] });

    const plan = planImport('destination_url,short_code,domain\nhttps://a.example,x,\nhttps://b.example,x,go.example.com\nhttps://c.example,x,GO.example.com\nhttps://d.example,x,');
    assert.deepEqual(plan.pending.map((p) => p.row), [1, 2]);
    assert.deepEqual(plan.errors.map((e) => [e.row, e.error]), [[3, 'Short code has already been taken'], [4, 'Short code has already been taken']]);
  });
});
