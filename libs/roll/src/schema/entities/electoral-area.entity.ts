import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'electoral_area' })
export class ElectoralAreaEntity {
  @PrimaryColumn({ name: 'roll_version', type: 'integer' })
  rollVersion!: number;

  @PrimaryColumn({ name: 'block_code', type: 'text' })
  blockCode!: string;

  @Column({ type: 'text' })
  province!: string;

  @Column({ name: 'district_ur', type: 'text' })
  districtUr!: string;

  @Column({ name: 'district_en', type: 'text' })
  districtEn!: string;

  @Column({ name: 'tehsil_ur', type: 'text' })
  tehsilUr!: string;

  @Column({ name: 'tehsil_en', type: 'text' })
  tehsilEn!: string;

  @Column({ name: 'area_name_ur', type: 'text' })
  areaNameUr!: string;

  @Column({ name: 'area_name_en', type: 'text' })
  areaNameEn!: string;

  @Column({ type: 'text', nullable: true })
  na!: string | null;

  @Column({ type: 'text', nullable: true })
  pa!: string | null;
}
