import assert from 'node:assert/strict';
import { parseImportCsv, readHeader, roughRowCount } from '../../../../src/domain/jobs/import-csv';
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
});
