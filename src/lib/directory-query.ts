import { z } from 'zod';
import { queryInt, singleLine } from './schemas';

/**
 * The directory's query, as both its readers take it: the pkglnk client's GET /api/directory
 * (api/directory.schema.ts) and the page for people, GET /directory (site/directory-page.ts).
 */

export const DIRECTORY_DEFAULT_LIMIT = 40;

export const words = (field: string) => singleLine(field).max(200, `${field} is too long (maximum is 200 characters)`);
const label = (field: string) => singleLine(field).trim().toLowerCase().max(50, `${field} is too long (maximum is 50 characters)`);

export const directoryQuery = z.object({
  page: queryInt(1, 100_000).optional().describe('Page number, from 1 (default 1)'),
  limit: queryInt(1, 100).optional().describe(`Packages per page (default ${DIRECTORY_DEFAULT_LIMIT}, at most 100)`),
  q: words('Q').optional().describe('Words each of which begins a word of the name, slug, package.json name, a topic or the description'),
  topic: label('Topic').optional().describe('Only packages with this topic'),
  sort: z.enum(['installs', 'recent'], { error: 'Sort must be installs or recent' }).optional().describe('installs (default) or recent'),
});
