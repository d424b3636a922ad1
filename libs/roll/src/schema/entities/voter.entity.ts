import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * `voter` is LIST-partitioned by roll_version (one partition `voter_v<N>` per import). TypeORM
 * cannot declare partitioning, which is one more reason `synchronize` stays off: the migration
 * owns the DDL and this entity only describes the columns.
 */
@Entity({ name: 'voter' })
export class VoterEntity {
  @PrimaryColumn({ name: 'cnic_hash', type: 'bytea' })
  cnicHash!: Buffer;

  @PrimaryColumn({ name: 'roll_version', type: 'integer' })
  rollVersion!: number;

  @Column({ name: 'block_code', type: 'text' })
  blockCode!: string;

  @Column({ name: 'serial_no', type: 'integer' })
  serialNo!: number;

  @Column({ name: 'family_no', type: 'integer' })
  familyNo!: number;

  @Column({ type: 'char', length: 1 })
  gender!: 'M' | 'F';
}
