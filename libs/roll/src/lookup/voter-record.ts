export type Gender = 'M' | 'F';

/**
 * Everything the reply to one CNIC may carry. A plain object: entities never leave the library.
 * `na` is null where a block elects no National Assembly member (Gilgit-Baltistan), `pa` where
 * there is no provincial assembly (Islamabad).
 */
export interface VoterRecord {
  serialNo: number;
  familyNo: number;
  gender: Gender;
  blockCode: string;
  areaUr: string;
  areaEn: string;
  districtUr: string;
  districtEn: string;
  tehsilUr: string;
  tehsilEn: string;
  na: string | null;
  pa: string | null;
  stationNo: number;
  stationUr: string;
  stationEn: string;
}
