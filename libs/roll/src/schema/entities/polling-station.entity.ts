import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'polling_station' })
export class PollingStationEntity {
  @PrimaryColumn({ name: 'roll_version', type: 'integer' })
  rollVersion!: number;

  @PrimaryColumn({ name: 'block_code', type: 'text' })
  blockCode!: string;

  @PrimaryColumn({ type: 'char', length: 1 })
  gender!: 'M' | 'F';

  @Column({ name: 'station_no', type: 'integer' })
  stationNo!: number;

  @Column({ name: 'name_ur', type: 'text' })
  nameUr!: string;

  @Column({ name: 'name_en', type: 'text' })
  nameEn!: string;
}
