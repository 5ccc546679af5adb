/** The database was written by a newer Mutual than this one: downgrades are refused (SQLite and PostgreSQL alike). */
export class SchemaTooNewError extends Error {
  constructor(
    readonly found: number,
    readonly known: number,
    where: string
  ) {
    super(
      `${where} has schema version ${found}, written by a newer Mutual; this one knows versions up to ${known}. ` +
        'Downgrades are refused: run the newer version again, or restore a backup made by this version.'
    );
    this.name = 'SchemaTooNewError';
  }
}
