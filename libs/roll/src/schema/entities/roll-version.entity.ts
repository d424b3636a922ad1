import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const ROLL_VERSION_STATUSES = ['importing', 'ready', 'active', 'retired', 'failed', 'dropping'] as const;
export type RollVersionStatus = (typeof ROLL_VERSION_STATUSES)[number];

@Entity({ name: 'roll_version' })
export class RollVersionEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'text' })
  label!: string;

  @Column({ type: 'text' })
  status!: RollVersionStatus;

  @Column({ type: 'integer', default: 0 })
  voters!: number;

  @Column({ type: 'integer', default: 0 })
  areas!: number;

  @Column({ type: 'integer', default: 0 })
  stations!: number;

  @Column({ type: 'integer', default: 0 })
  rejected!: number;

  @Column({ type: 'text', default: '' })
  source!: string;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  /** Random identity of this version in cache keys; ids restart when a database is re-created. */
  @Column({ name: 'cache_id', type: 'uuid', default: () => 'gen_random_uuid()' })
  cacheId!: string;

  /** KeyedHasher.id of the pepper that keyed this version's CNIC hashes; null before it was recorded. */
  @Column({ name: 'pepper_id', type: 'text', nullable: true })
  pepperId!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'ready_at', type: 'timestamptz', nullable: true })
  readyAt!: Date | null;

  @Column({ name: 'activated_at', type: 'timestamptz', nullable: true })
  activatedAt!: Date | null;
}
