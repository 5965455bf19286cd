/**
 * What an export job is asked to build. Carried in the job payload (small, typed) and kept on
 * the run as its params; everything time-dependent (file name date, the package window) is
 * fixed by the web when the export is requested, so a retry builds the same file.
 */

export interface LinkExportFilters {
  active?: boolean;
  archived?: boolean;
  collection_id?: number;
  /** ISO 8601 instants. */
  created_after?: string;
  created_before?: string;
  /** As GET /api/v1/links: text in the short code, title or destination; a tag; a sort and its order. */
  q?: string;
  tag?: string;
  sort?: string;
  order?: 'asc' | 'desc';
}

export interface LinkExportSpec {
  kind: 'links';
  fileName: string;
  filters: LinkExportFilters;
}

export interface PackageExportSpec {
  kind: 'package';
  fileName: string;
  packageId: number;
  format: 'json' | 'csv';
  days: number;
  /** ISO 8601: the window of install events exported, both ends included. */
  startDate: string;
  endDate: string;
}

export type ExportSpec = LinkExportSpec | PackageExportSpec;

/** What a finished export run records as its result: the stored file the status endpoints serve. */
export interface ExportResult {
  file_id: string;
  file_name: string;
  content_type: string;
  byte_size: number;
  row_count: number;
}
