import assert from 'node:assert/strict';
import { createAccount } from '../helpers/accounts';
import { fetchDirectory } from '../helpers/pkglnk-client';
import { COUNT_CACHE_MIN, COUNT_TTL_SECONDS } from '../../src/domain/directory-search';
import { useStack } from '../helpers/use-stack';

interface DirectoryBody {
  packages: Array<{ slug: string }>;
  total: number;
  totalCount: number;
  hasMore: boolean;
}

describe('the directory total: large counts cached for a while, hasMore always read with the page', function () {
  this.timeout(30_000);
  const { stack } = useStack();
  let userId: number;

  beforeEach(async () => {
    userId = (await createAccount(stack.services)).user.id;
  });

  /** `count` public packages whose names begin with `word`, numbered from `from`, more installed the lower the number. */
  async function seed(word: string, count: number, from = 1): Promise<void> {
    await stack.services.db.raw(
      `INSERT INTO packages (user_id, slug, display_name, git_platform, git_owner, git_repo, total_installs)
       SELECT ?, ? || '-' || s, initcap(?) || ' ' || s, 'github', 'acme', 'repo-' || s, 1000000 - s FROM generate_series(?::int, ?::int) AS s`,
      [userId, word, word, from, from + count - 1],
    );
  }

  async function directory(q: string, page: number, limit = 40): Promise<DirectoryBody> {
    const res = await fetchDirectory(stack.baseUrl, q, '', page, limit);
    assert.equal(res.status, 200, res.text);
    return JSON.parse(res.text) as DirectoryBody;
  }

  it(`keeps a count of ${COUNT_CACHE_MIN} or more for ${COUNT_TTL_SECONDS} s, corrects it on the last page, and pages on exactly`, async () => {
    const many = COUNT_CACHE_MIN + 10;
    await seed('tween', many);
    const first = await directory('tween', 1);
    assert.equal(first.totalCount, many);
    assert.equal(first.total, many);
    assert.equal(first.hasMore, true);
    assert.equal(first.packages[0]?.slug, 'tween-1');
    assert.equal((await stack.services.redis.keys(`${stack.services.config.redisPrefix}:dircount:*`)).length, 1, 'the count is kept');

    await seed('tween', 30, many + 1);
    const again = await directory('Tween ', 1);
    assert.equal(again.totalCount, many, 'the same search, spelled otherwise, reads the kept count');
    assert.equal(again.hasMore, true);
    // The last page sees the 30 new ones, and says exactly how many there are.
    const lastPage = Math.ceil((many + 30) / 40);
    const last = await directory('tween', lastPage);
    assert.equal(last.packages.length, (many + 30) - (lastPage - 1) * 40);
    assert.equal(last.packages.at(-1)?.slug, `tween-${many + 30}`);
    assert.equal(last.hasMore, false);
    assert.equal(last.totalCount, many + 30);
    // Past the end: nothing, and no more.
    const past = await directory('tween', lastPage + 1);
    assert.deepEqual([past.packages.length, past.hasMore], [0, false]);
  });

  it('counts fewer matches afresh every time, so a new package counts at once', async () => {
    await seed('rare', 3);
    assert.equal((await directory('rare', 1)).totalCount, 3);
    await seed('rare', 1, 4);
    const after = await directory('rare', 1);
    assert.deepEqual([after.totalCount, after.hasMore, after.packages.length], [4, false, 4]);
    assert.equal((await stack.services.redis.keys(`${stack.services.config.redisPrefix}:dircount:*`)).length, 0, 'nothing is kept');
  });

  it('pages deep through the directory in order, each page one row past the last, with no row twice', async () => {
    await seed('pool', 95);
    const seen: string[] = [];
    for (let page = 1; page <= 4; page++) {
      const body = await directory('', page, 30);
      assert.equal(body.totalCount, 95);
      assert.equal(body.hasMore, page < 4, `page ${page}`);
      seen.push(...body.packages.map((p) => p.slug));
    }
    assert.deepEqual(seen, Array.from({ length: 95 }, (_, i) => `pool-${i + 1}`));
  });
});
