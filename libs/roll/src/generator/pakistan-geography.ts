/**
 * A small table of real districts and tehsils with their Urdu names, for the synthetic roll.
 * `cnicCode` is the 4-digit start of the CNICs issued there (region digit first); where we know
 * a real prefix we use it, the others are plausible. Weights are rough population shares within
 * the province. Nothing here is roll data.
 */
export type ProvinceCode = 'KP' | 'FATA' | 'Punjab' | 'Sindh' | 'Balochistan' | 'Islamabad' | 'GB';

export interface Tehsil {
  en: string;
  ur: string;
}

export interface District {
  en: string;
  ur: string;
  cnicCode: string;
  weight: number;
  tehsils: Tehsil[];
}

export interface Province {
  /** The `province` value written to areas.csv. */
  code: ProvinceCode;
  /** CNIC region digit. */
  region: number;
  /** Share of voters, percent. */
  weight: number;
  /** National Assembly seats [first, last]; null where the region elects none. */
  na: [number, number] | null;
  /** Provincial assembly prefix and seats; null where there is none. */
  pa: { prefix: string; range: [number, number] } | null;
  districts: District[];
}

const t = (en: string, ur: string): Tehsil => ({ en, ur });

export const PROVINCES: Province[] = [
  {
    code: 'Punjab',
    region: 3,
    weight: 53,
    na: [49, 189],
    pa: { prefix: 'PP', range: [1, 297] },
    districts: [
      {
        en: 'Lahore',
        ur: 'لاہور',
        cnicCode: '3520',
        weight: 20,
        tehsils: [
          t('Lahore City', 'لاہور سٹی'),
          t('Lahore Cantt', 'لاہور کینٹ'),
          t('Model Town', 'ماڈل ٹاؤن'),
          t('Raiwind', 'رائیونڈ'),
          t('Shalimar', 'شالامار'),
        ],
      },
      {
        en: 'Faisalabad',
        ur: 'فیصل آباد',
        cnicCode: '3310',
        weight: 14,
        tehsils: [t('Faisalabad City', 'فیصل آباد سٹی'), t('Jaranwala', 'جڑانوالہ'), t('Samundri', 'سمندری'), t('Tandlianwala', 'تاندلیانوالہ')],
      },
      {
        en: 'Rawalpindi',
        ur: 'راولپنڈی',
        cnicCode: '3740',
        weight: 10,
        tehsils: [t('Rawalpindi', 'راولپنڈی'), t('Gujar Khan', 'گوجر خان'), t('Taxila', 'ٹیکسلا'), t('Kahuta', 'کہوٹہ')],
      },
      {
        en: 'Multan',
        ur: 'ملتان',
        cnicCode: '3630',
        weight: 9,
        tehsils: [t('Multan City', 'ملتان سٹی'), t('Multan Saddar', 'ملتان صدر'), t('Shujabad', 'شجاع آباد'), t('Jalalpur Pirwala', 'جلال پور پیروالا')],
      },
      {
        en: 'Gujranwala',
        ur: 'گوجرانوالہ',
        cnicCode: '3410',
        weight: 10,
        tehsils: [t('Gujranwala City', 'گوجرانوالہ سٹی'), t('Kamoke', 'کامونکی'), t('Nowshera Virkan', 'نوشہرہ ورکاں')],
      },
      {
        en: 'Sialkot',
        ur: 'سیالکوٹ',
        cnicCode: '3460',
        weight: 8,
        tehsils: [t('Sialkot', 'سیالکوٹ'), t('Daska', 'ڈسکہ'), t('Pasrur', 'پسرور'), t('Sambrial', 'سمبڑیال')],
      },
      {
        en: 'Bahawalpur',
        ur: 'بہاولپور',
        cnicCode: '3120',
        weight: 8,
        tehsils: [t('Bahawalpur', 'بہاولپور'), t('Ahmadpur East', 'احمد پور شرقیہ'), t('Hasilpur', 'حاصل پور')],
      },
      { en: 'Sargodha', ur: 'سرگودھا', cnicCode: '3840', weight: 7, tehsils: [t('Sargodha', 'سرگودھا'), t('Bhalwal', 'بھلوال'), t('Shahpur', 'شاہ پور')] },
      {
        en: 'Dera Ghazi Khan',
        ur: 'ڈیرہ غازی خان',
        cnicCode: '3210',
        weight: 6,
        tehsils: [t('Dera Ghazi Khan', 'ڈیرہ غازی خان'), t('Kot Chutta', 'کوٹ چھٹہ')],
      },
      {
        en: 'Rahim Yar Khan',
        ur: 'رحیم یار خان',
        cnicCode: '3130',
        weight: 8,
        tehsils: [t('Rahim Yar Khan', 'رحیم یار خان'), t('Sadiqabad', 'صادق آباد'), t('Khanpur', 'خان پور'), t('Liaquatpur', 'لیاقت پور')],
      },
    ],
  },
  {
    code: 'Sindh',
    region: 4,
    weight: 23,
    na: [190, 250],
    pa: { prefix: 'PS', range: [1, 130] },
    districts: [
      {
        en: 'Karachi Central',
        ur: 'کراچی وسطی',
        cnicCode: '4210',
        weight: 16,
        tehsils: [t('Gulberg', 'گلبرگ'), t('Liaquatabad', 'لیاقت آباد'), t('New Karachi', 'نیو کراچی'), t('North Nazimabad', 'نارتھ ناظم آباد')],
      },
      {
        en: 'Karachi East',
        ur: 'کراچی شرقی',
        cnicCode: '4220',
        weight: 16,
        tehsils: [t('Gulshan-e-Iqbal', 'گلشن اقبال'), t('Ferozabad', 'فیروز آباد'), t('Jamshed Quarters', 'جمشید کوارٹرز')],
      },
      { en: 'Karachi South', ur: 'کراچی جنوبی', cnicCode: '4230', weight: 10, tehsils: [t('Saddar', 'صدر'), t('Lyari', 'لیاری'), t('Garden', 'گارڈن')] },
      {
        en: 'Hyderabad',
        ur: 'حیدرآباد',
        cnicCode: '4130',
        weight: 14,
        tehsils: [t('Hyderabad City', 'حیدرآباد سٹی'), t('Latifabad', 'لطیف آباد'), t('Qasimabad', 'قاسم آباد')],
      },
      { en: 'Sukkur', ur: 'سکھر', cnicCode: '4550', weight: 10, tehsils: [t('Sukkur City', 'سکھر سٹی'), t('Rohri', 'روہڑی'), t('Pano Aqil', 'پنو عاقل')] },
      { en: 'Larkana', ur: 'لاڑکانہ', cnicCode: '4320', weight: 10, tehsils: [t('Larkana', 'لاڑکانہ'), t('Ratodero', 'رتو ڈیرو'), t('Dokri', 'ڈوکری')] },
      { en: 'Mirpur Khas', ur: 'میرپور خاص', cnicCode: '4410', weight: 9, tehsils: [t('Mirpur Khas', 'میرپور خاص'), t('Digri', 'ڈگری')] },
      { en: 'Shaheed Benazirabad', ur: 'شہید بینظیر آباد', cnicCode: '4540', weight: 9, tehsils: [t('Nawabshah', 'نواب شاہ'), t('Sakrand', 'سکرنڈ')] },
    ],
  },
  {
    code: 'KP',
    region: 1,
    weight: 15,
    na: [1, 45],
    pa: { prefix: 'PK', range: [1, 115] },
    districts: [
      {
        en: 'Peshawar',
        ur: 'پشاور',
        cnicCode: '1730',
        weight: 25,
        tehsils: [t('Peshawar City', 'پشاور سٹی'), t('Shah Alam', 'شاہ عالم'), t('Mathra', 'متھرا'), t('Badaber', 'بڈھ بیر')],
      },
      { en: 'Mardan', ur: 'مردان', cnicCode: '1610', weight: 15, tehsils: [t('Mardan', 'مردان'), t('Takht Bhai', 'تخت بھائی'), t('Katlang', 'کاٹلنگ')] },
      { en: 'Swat', ur: 'سوات', cnicCode: '1560', weight: 15, tehsils: [t('Babuzai', 'بابوزئی'), t('Matta', 'مٹہ'), t('Kabal', 'کبل')] },
      { en: 'Abbottabad', ur: 'ایبٹ آباد', cnicCode: '1310', weight: 10, tehsils: [t('Abbottabad', 'ایبٹ آباد'), t('Havelian', 'حویلیاں')] },
      {
        en: 'Dera Ismail Khan',
        ur: 'ڈیرہ اسماعیل خان',
        cnicCode: '1210',
        weight: 12,
        tehsils: [t('Dera Ismail Khan', 'ڈیرہ اسماعیل خان'), t('Paharpur', 'پہاڑپور'), t('Kulachi', 'کلاچی')],
      },
      { en: 'Nowshera', ur: 'نوشہرہ', cnicCode: '1720', weight: 13, tehsils: [t('Nowshera', 'نوشہرہ'), t('Pabbi', 'پبی'), t('Jehangira', 'جہانگیرہ')] },
      { en: 'Kohat', ur: 'کوہاٹ', cnicCode: '1420', weight: 10, tehsils: [t('Kohat', 'کوہاٹ'), t('Lachi', 'لاچی')] },
    ],
  },
  {
    // The former tribal areas: merged into KP in 2018 (so their seats are KP's), but CNICs issued there still start with 2.
    code: 'FATA',
    region: 2,
    weight: 2,
    na: [1, 45],
    pa: { prefix: 'PK', range: [1, 115] },
    districts: [
      { en: 'Khyber', ur: 'خیبر', cnicCode: '2110', weight: 35, tehsils: [t('Jamrud', 'جمرود'), t('Landi Kotal', 'لنڈی کوتل'), t('Bara', 'باڑہ')] },
      { en: 'Bajaur', ur: 'باجوڑ', cnicCode: '2120', weight: 30, tehsils: [t('Khar', 'خار'), t('Nawagai', 'ناوگئی')] },
      { en: 'Kurram', ur: 'کرم', cnicCode: '2130', weight: 15, tehsils: [t('Upper Kurram', 'اپر کرم'), t('Lower Kurram', 'لوئر کرم')] },
      { en: 'North Waziristan', ur: 'شمالی وزیرستان', cnicCode: '2140', weight: 20, tehsils: [t('Miranshah', 'میران شاہ'), t('Mir Ali', 'میر علی')] },
    ],
  },
  {
    code: 'Balochistan',
    region: 5,
    weight: 5,
    na: [251, 266],
    pa: { prefix: 'PB', range: [1, 51] },
    districts: [
      { en: 'Quetta', ur: 'کوئٹہ', cnicCode: '5440', weight: 40, tehsils: [t('Quetta City', 'کوئٹہ سٹی'), t('Quetta Saddar', 'کوئٹہ صدر')] },
      { en: 'Kech', ur: 'کیچ', cnicCode: '5220', weight: 20, tehsils: [t('Turbat', 'تربت'), t('Tump', 'تمپ')] },
      { en: 'Khuzdar', ur: 'خضدار', cnicCode: '5310', weight: 15, tehsils: [t('Khuzdar', 'خضدار'), t('Wadh', 'وڈھ')] },
      { en: 'Gwadar', ur: 'گوادر', cnicCode: '5230', weight: 10, tehsils: [t('Gwadar', 'گوادر'), t('Pasni', 'پسنی'), t('Jiwani', 'جیونی')] },
      { en: 'Sibi', ur: 'سبی', cnicCode: '5610', weight: 15, tehsils: [t('Sibi', 'سبی'), t('Lehri', 'لہڑی')] },
    ],
  },
  {
    code: 'Islamabad',
    region: 6,
    weight: 1,
    na: [46, 48],
    pa: null,
    districts: [
      {
        en: 'Islamabad',
        ur: 'اسلام آباد',
        cnicCode: '6110',
        weight: 1,
        tehsils: [t('Islamabad Urban', 'اسلام آباد شہری'), t('Islamabad Rural', 'اسلام آباد دیہی')],
      },
    ],
  },
  {
    // Gilgit-Baltistan elects its own assembly and no member of the National Assembly.
    code: 'GB',
    region: 7,
    weight: 1,
    na: null,
    pa: { prefix: 'GBA', range: [1, 24] },
    districts: [
      { en: 'Gilgit', ur: 'گلگت', cnicCode: '7150', weight: 40, tehsils: [t('Gilgit', 'گلگت'), t('Danyore', 'دنیور')] },
      { en: 'Skardu', ur: 'سکردو', cnicCode: '7110', weight: 40, tehsils: [t('Skardu', 'سکردو'), t('Rondu', 'روندو')] },
      { en: 'Hunza', ur: 'ہنزہ', cnicCode: '7160', weight: 20, tehsils: [t('Aliabad', 'علی آباد'), t('Gojal', 'گوجال')] },
    ],
  },
];

/** Localities for electoral area and polling station names. */
export const LOCALITIES: Tehsil[] = [
  t('Islampura', 'اسلام پورہ'),
  t('Gulshan Colony', 'گلشن کالونی'),
  t('Madina Town', 'مدینہ ٹاؤن'),
  t('Bilal Colony', 'بلال کالونی'),
  t('Rehmanabad', 'رحمان آباد'),
  t('Ghousia Colony', 'غوثیہ کالونی'),
  t('Faisal Town', 'فیصل ٹاؤن'),
  t('Iqbal Town', 'اقبال ٹاؤن'),
  t('Jinnah Colony', 'جناح کالونی'),
  t('Shadman', 'شادمان'),
  t('Usmanabad', 'عثمان آباد'),
  t('Farooqabad', 'فاروق آباد'),
  t('Muslim Town', 'مسلم ٹاؤن'),
  t('Nishatabad', 'نشاط آباد'),
  t('Fatehpur', 'فتح پور'),
  t('Sultanpur', 'سلطان پور'),
  t('Noorpur', 'نور پور'),
  t('Hussainabad', 'حسین آباد'),
  t('Mustafaabad', 'مصطفیٰ آباد'),
  t('Ali Town', 'علی ٹاؤن'),
  t('Samanabad', 'سمن آباد'),
  t('Ghaziabad', 'غازی آباد'),
  t('Shah Faisal Colony', 'شاہ فیصل کالونی'),
  t('Nawabpur', 'نواب پور'),
];

/** Kinds of electoral area: urban neighbourhood, revenue village, municipal ward. */
export const AREA_KINDS: Tehsil[] = [t('Mohalla', 'محلہ'), t('Mauza', 'موضع'), t('Ward No.', 'وارڈ نمبر')];

export const SCHOOL_LEVELS: Tehsil[] = [t('Primary', 'پرائمری'), t('Elementary', 'ایلیمنٹری'), t('High', 'ہائی'), t('Higher Secondary', 'ہائر سیکنڈری')];
