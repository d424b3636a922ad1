// Lives in @parchee/privacy since lookup hashes with it too; kept here so the importer's imports stay put.
export { BulkCnicHasher } from '@parchee/privacy';
