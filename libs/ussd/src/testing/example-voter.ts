import type { VoterDetails } from '@parchee/replies';

/** A typical voter, as the SMS reply templates' specs use: a Lahore block with both assembly seats. */
export const EXAMPLE_VOTER: VoterDetails = {
  blockCode: '123456789',
  serialNo: 412,
  familyNo: 87,
  areaUr: 'گلبرگ',
  areaEn: 'Gulberg',
  districtUr: 'لاہور',
  districtEn: 'Lahore',
  tehsilUr: 'لاہور شہر',
  tehsilEn: 'Lahore City',
  na: 'NA-120',
  pa: 'PP-150',
  stationNo: 37,
  stationUr: 'گورنمنٹ بوائز پرائمری سکول نمبر 2',
  stationEn: 'Govt. Boys Primary School No. 2',
};
