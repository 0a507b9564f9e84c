//! Person lists (rescue lists, bulk intake) as they arrive: a CSV from an
//! embassy, an XLSX from a police unit, rows pasted from a spreadsheet.
//! Reading is two steps so a user can check it before anything is written:
//! [`read_table`] turns the bytes into a header and rows (any delimiter,
//! legacy encodings on request, Excel serial dates and merged cells), then
//! [`read_people`] maps columns onto person fields (guessed by
//! [`guess_mapping`], overridable) and checks every value, keeping the row
//! with the unreadable field dropped and saying why.

use std::collections::HashMap;
use std::io::Cursor;

use calamine::{DataRef, Reader, Xlsx};
use homeward_match::{PersonRecord, prepare};
use serde::Serialize;

/// Most rows read from one list.
pub const MAX_ROWS: usize = 200_000;
/// Longest value kept from one cell (characters).
pub const MAX_CELL: usize = 500;
/// Most columns read.
pub const MAX_COLUMNS: usize = 200;
/// Most filled cells read from one list (a hostile file cannot make the
/// reader allocate more than about this many strings).
pub const MAX_CELLS: usize = 4_000_000;

/// A person field a column can be mapped to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Column {
    /// The name as written (any script, any order).
    FullName,
    /// Other names, `;`-separated.
    AltNames,
    /// Given name.
    GivenName,
    /// Family name.
    FamilyName,
    /// Sex.
    Sex,
    /// Birth date (ISO, `DD/MM/YYYY`, year only, Buddhist Era, Minguo, Excel date).
    BirthDate,
    /// Nationality (code or name).
    Nationality,
    /// Passport number.
    PassportNo,
    /// National identity number.
    IdNo,
    /// Phone numbers, `;`-separated.
    Phone,
}

impl Column {
    /// Every field, in the order forms offer them.
    pub const ALL: [Column; 10] = [
        Column::FullName,
        Column::AltNames,
        Column::GivenName,
        Column::FamilyName,
        Column::Sex,
        Column::BirthDate,
        Column::Nationality,
        Column::PassportNo,
        Column::IdNo,
        Column::Phone,
    ];

    /// The name in the person-record CSV contract (`full_name`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Column::FullName => "full_name",
            Column::AltNames => "alt_names",
            Column::GivenName => "given_name",
            Column::FamilyName => "family_name",
            Column::Sex => "sex",
            Column::BirthDate => "birth_date",
            Column::Nationality => "nationality",
            Column::PassportNo => "passport_no",
            Column::IdNo => "id_no",
            Column::Phone => "phone",
        }
    }

    /// In words, for forms.
    pub fn label(self) -> &'static str {
        match self {
            Column::FullName => "Full name",
            Column::AltNames => "Other names",
            Column::GivenName => "Given name",
            Column::FamilyName => "Family name",
            Column::Sex => "Sex",
            Column::BirthDate => "Birth date",
            Column::Nationality => "Nationality",
            Column::PassportNo => "Passport number",
            Column::IdNo => "ID number",
            Column::Phone => "Phone",
        }
    }

    /// Parses [`Column::as_str`].
    pub fn parse(s: &str) -> Option<Column> {
        Column::ALL.into_iter().find(|c| c.as_str() == s.trim())
    }

    /// Whether the column can identify a person on its own (a name or a
    /// document number).
    pub fn identifies(self) -> bool {
        matches!(
            self,
            Column::FullName
                | Column::GivenName
                | Column::FamilyName
                | Column::PassportNo
                | Column::IdNo
        )
    }
}

/// How the bytes were read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// Delimited text (comma, semicolon, tab or bar).
    Delimited,
    /// An Excel workbook (Office Open XML).
    Xlsx,
}

/// Options of [`read_table`].
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Text encoding of a delimited file when it is not UTF-8 (a WHATWG
    /// label: `windows-874` for Thai, `gb18030`, `big5`, `windows-1258`, …).
    pub encoding: Option<String>,
    /// Worksheet of a workbook (default: the first that has data).
    pub sheet: Option<String>,
}

/// A header and rows, as text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    /// How it was read.
    pub format: Format,
    /// Encoding used (delimited text).
    pub encoding: String,
    /// Delimiter (delimited text).
    pub delimiter: Option<char>,
    /// Worksheets of a workbook.
    pub sheets: Vec<String>,
    /// The worksheet read.
    pub sheet: Option<String>,
    /// Header cells.
    pub headers: Vec<String>,
    /// Data rows.
    pub rows: Vec<Row>,
}

/// One data row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// Line of the file, or row of the sheet, as the user sees it (1-based,
    /// the header being line 1 in a file without preamble).
    pub line: usize,
    /// Cells, one per header (missing cells are empty).
    pub cells: Vec<String>,
}

/// Why a list cannot be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SheetError {
    /// Nothing in it.
    #[error("the file is empty")]
    Empty,
    /// Not UTF-8 and no encoding given.
    #[error(
        "the file is not UTF-8 (first bad byte at offset {offset}); choose its encoding (e.g. windows-874 for Thai, gb18030 for simplified Chinese, big5 for traditional Chinese) or save it as UTF-8"
    )]
    NotUtf8 {
        /// Byte offset of the first invalid sequence.
        offset: usize,
    },
    /// An encoding label nobody knows.
    #[error("unknown encoding {0:?}")]
    UnknownEncoding(String),
    /// The encoding given does not fit the bytes.
    #[error("the file is not valid {0}; choose another encoding")]
    BadEncoding(String),
    /// A row the CSV reader cannot parse.
    #[error("line {line}: {message}")]
    Malformed {
        /// Line.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A workbook that cannot be opened.
    #[error("cannot read the workbook: {0}")]
    Workbook(String),
    /// No such worksheet.
    #[error("no worksheet named {0:?}")]
    NoSheet(String),
    /// Too many rows.
    #[error("more than {MAX_ROWS} rows; split the list")]
    TooManyRows,
    /// Too many filled cells.
    #[error("more than {MAX_CELLS} filled cells; split the list or remove unused columns")]
    TooManyCells,
    /// No column gives a name or a document number.
    #[error("no column gives a name or a document number; map one (e.g. full_name=YOUR_COLUMN)")]
    NoIdentifyingColumn,
    /// A mapping entry that is not `field=header`, or names no known field.
    #[error("column mapping {0}")]
    BadMapping(String),
}

fn cell_text(s: &str) -> String {
    s.trim()
        .trim_start_matches('\u{feff}')
        .chars()
        .take(MAX_CELL)
        .collect()
}

/// Reads a list: an XLSX workbook (by its signature), otherwise delimited
/// text in UTF-8 (with or without BOM), UTF-16 with BOM, or the encoding in
/// `opts`. Blank rows are skipped; a row of only a header repeats nothing.
pub fn read_table(bytes: &[u8], opts: &ReadOptions) -> Result<Table, SheetError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(SheetError::Empty);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return read_xlsx(bytes, opts);
    }
    let (text, encoding) = decode(bytes, opts.encoding.as_deref())?;
    read_delimited(&text, encoding)
}

fn decode(bytes: &[u8], label: Option<&str>) -> Result<(String, String), SheetError> {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom..]);
        if had_errors {
            return Err(SheetError::BadEncoding(enc.name().into()));
        }
        return Ok((text.into_owned(), enc.name().into()));
    }
    match label.map(str::trim).filter(|l| !l.is_empty()) {
        None => match std::str::from_utf8(bytes) {
            Ok(s) => Ok((s.to_owned(), "UTF-8".into())),
            Err(e) => Err(SheetError::NotUtf8 {
                offset: e.valid_up_to(),
            }),
        },
        Some(l) => {
            let enc = encoding_rs::Encoding::for_label(l.as_bytes())
                .ok_or_else(|| SheetError::UnknownEncoding(l.chars().take(40).collect()))?;
            let (text, had_errors) = enc.decode_without_bom_handling(bytes);
            if had_errors {
                return Err(SheetError::BadEncoding(enc.name().into()));
            }
            Ok((text.into_owned(), enc.name().into()))
        }
    }
}

/// The delimiter: of tab, comma, semicolon and bar (outside quotes), the
/// one most often found on a single line among the top lines (a title above
/// the header has few or none); tab wins ties (pasted cells).
fn sniff(text: &str) -> char {
    let mut best = (',', 0);
    for d in ['\t', ',', ';', '|'] {
        let most = text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .take(HEADER_SEARCH)
            .map(|line| {
                let mut quoted = false;
                let mut n = 0;
                for c in line.chars() {
                    if c == '"' {
                        quoted = !quoted;
                    } else if c == d && !quoted {
                        n += 1;
                    }
                }
                n
            })
            .max()
            .unwrap_or(0);
        if most > best.1 {
            best = (d, most);
        }
    }
    best.0
}

fn read_delimited(text: &str, encoding: String) -> Result<Table, SheetError> {
    let delimiter = sniff(text);
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .delimiter(u8::try_from(delimiter).unwrap_or(b','))
        .from_reader(text.as_bytes());
    // Lines as the user sees them (the reader skips blank lines in its
    // count): breaks counted from one record's position to the next, a CR
    // alone (old Mac files) counting as one.
    let raw = text.as_bytes();
    let mut seen = (0usize, 1usize);
    let mut line_at = |byte: u64| {
        let mut at = usize::try_from(byte).unwrap_or(usize::MAX).min(raw.len());
        // A record's position may be that of blank lines skipped before it.
        while raw.get(at).is_some_and(|b| matches!(b, b'\n' | b'\r')) {
            at += 1;
        }
        if at < seen.0 {
            seen = (0, 1);
        }
        let chunk = &raw[seen.0..at];
        let breaks = chunk
            .iter()
            .enumerate()
            .filter(|(i, b)| **b == b'\n' || (**b == b'\r' && chunk.get(i + 1) != Some(&b'\n')))
            .count();
        seen = (at, seen.1 + breaks);
        seen.1
    };
    let mut lines = Vec::new();
    let mut budget = MAX_CELLS;
    for rec in rdr.records() {
        let rec = rec.map_err(|e| SheetError::Malformed {
            line: e.position().map_or(0, |p| line_at(p.byte())),
            message: e.to_string(),
        })?;
        let line = rec.position().map_or(0, |p| line_at(p.byte()));
        let mut cells: Vec<String> = rec.iter().take(MAX_COLUMNS).map(cell_text).collect();
        while cells.last().is_some_and(String::is_empty) {
            cells.pop();
        }
        if cells.is_empty() {
            continue;
        }
        if lines.len() > MAX_ROWS {
            return Err(SheetError::TooManyRows);
        }
        budget = budget
            .checked_sub(cells.len())
            .ok_or(SheetError::TooManyCells)?;
        lines.push((line, cells));
    }
    let (headers, rows) = split_header(lines)?;
    Ok(Table {
        format: Format::Delimited,
        encoding,
        delimiter: Some(delimiter),
        sheets: Vec::new(),
        sheet: None,
        rows: pad(rows, headers.len()),
        headers,
    })
}

/// How far down a header row is looked for (lists often open with a title).
const HEADER_SEARCH: usize = 10;

/// Splits non-empty lines into the header and the data rows: the header is
/// the first of the top lines naming a name or document column, else the
/// first of them with the most filled cells (a title has one). Lines above
/// it (titles, notes) are skipped.
fn split_header(lines: Vec<(usize, Vec<String>)>) -> Result<(Vec<String>, Vec<Row>), SheetError> {
    let top = || lines.iter().take(HEADER_SEARCH);
    let filled = |cells: &[String]| cells.iter().filter(|c| !c.is_empty()).count();
    let widest = top().map(|(_, c)| filled(c)).max().unwrap_or(0);
    let at = top()
        .position(|(_, cells)| {
            cells
                .iter()
                .any(|c| column_for(c).is_some_and(Column::identifies))
        })
        .or_else(|| top().position(|(_, cells)| filled(cells) == widest))
        .unwrap_or(0);
    let mut it = lines.into_iter().skip(at);
    let (_, headers) = it.next().ok_or(SheetError::Empty)?;
    let rows: Vec<Row> = it.map(|(line, cells)| Row { line, cells }).collect();
    if rows.len() > MAX_ROWS {
        return Err(SheetError::TooManyRows);
    }
    Ok((headers, rows))
}

/// Makes every row as long as the header: cells beyond it have no column
/// to be read as.
fn pad(mut rows: Vec<Row>, width: usize) -> Vec<Row> {
    for r in &mut rows {
        r.cells.resize(width, String::new());
    }
    rows
}

/// A cell as text: dates as ISO dates (Excel keeps them as serial numbers
/// with a date format), whole numbers without a decimal point.
fn xlsx_cell(d: &DataRef<'_>) -> String {
    match d {
        DataRef::Empty | DataRef::Error(_) => String::new(),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => {
            cell_text(s.split('T').next().unwrap_or(s))
        }
        DataRef::SharedString(s) => cell_text(s),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        DataRef::Float(f) => f.to_string(),
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            format!("{y:04}-{m:02}-{d:02}")
        }
        DataRef::DateTime(dt) => dt.as_f64().to_string(),
    }
}

fn read_xlsx(bytes: &[u8], opts: &ReadOptions) -> Result<Table, SheetError> {
    let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e: calamine::XlsxError| SheetError::Workbook(e.to_string()))?;
    let sheets = wb.sheet_names();
    let wanted = opts
        .sheet
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    if let Some(w) = wanted
        && !sheets.iter().any(|s| s == w)
    {
        return Err(SheetError::NoSheet(w.chars().take(80).collect()));
    }
    for name in sheets
        .iter()
        .filter(|n| wanted.is_none_or(|w| w == n.as_str()))
    {
        let cells = sheet_cells(&mut wb, name)?;
        if cells.is_empty() && wanted.is_none() {
            continue;
        }
        let regions = wb.merge_cells_by_sheet_name(name).unwrap_or_default();
        let lines = fill_merged(cells, &regions)?;
        let (headers, rows) = split_header(lines)?;
        return Ok(Table {
            format: Format::Xlsx,
            encoding: "UTF-8".into(),
            delimiter: None,
            sheets: sheets.clone(),
            sheet: Some(name.clone()),
            rows: pad(rows, headers.len()),
            headers,
        });
    }
    Err(SheetError::Empty)
}

/// The filled cells of a sheet, row by row (0-based row, then cells by
/// column), read as a stream: a sheet's declared size is never allocated,
/// and rows, columns and cells past the limits are refused or dropped.
fn sheet_cells(
    wb: &mut Xlsx<Cursor<&[u8]>>,
    name: &str,
) -> Result<std::collections::BTreeMap<u32, Vec<(u32, String)>>, SheetError> {
    let mut reader = wb
        .worksheet_cells_reader(name)
        .map_err(|e| SheetError::Workbook(e.to_string()))?;
    let mut rows: std::collections::BTreeMap<u32, Vec<(u32, String)>> = Default::default();
    let mut budget = MAX_CELLS;
    while let Some(cell) = reader
        .next_cell()
        .map_err(|e| SheetError::Workbook(e.to_string()))?
    {
        let (r, c) = cell.get_position();
        if c as usize >= MAX_COLUMNS {
            continue;
        }
        let v = xlsx_cell(cell.get_value());
        if v.is_empty() {
            continue;
        }
        budget = budget.checked_sub(1).ok_or(SheetError::TooManyCells)?;
        if rows.len() > MAX_ROWS + HEADER_SEARCH && !rows.contains_key(&r) {
            return Err(SheetError::TooManyRows);
        }
        rows.entry(r).or_default().push((c, v));
    }
    Ok(rows)
}

/// Rows as lines (1-based sheet row, cells from column A). A merged cell
/// holds its value in its top-left cell only: the value is given to every
/// cell of the region that is in a row with data (a nationality or a date
/// merged down a group), within the cell budget.
fn fill_merged(
    mut rows: std::collections::BTreeMap<u32, Vec<(u32, String)>>,
    regions: &[calamine::Dimensions],
) -> Result<Vec<(usize, Vec<String>)>, SheetError> {
    let mut budget = MAX_CELLS.saturating_sub(rows.values().map(Vec::len).sum());
    for m in regions {
        let Some(v) = rows
            .get(&m.start.0)
            .and_then(|r| r.iter().find(|(c, _)| *c == m.start.1))
            .map(|(_, v)| v.clone())
        else {
            continue;
        };
        let last_col = m.end.1.min(MAX_COLUMNS as u32 - 1);
        for (_, cells) in rows.range_mut(m.start.0..=m.end.0) {
            for c in m.start.1..=last_col {
                if !cells.iter().any(|(x, _)| *x == c) {
                    budget = budget.checked_sub(1).ok_or(SheetError::TooManyCells)?;
                    cells.push((c, v.clone()));
                }
            }
        }
    }
    // Empty cells between filled ones are strings too: they count.
    let mut budget = MAX_CELLS;
    let mut lines = Vec::with_capacity(rows.len());
    for (r, mut cells) in rows {
        cells.sort_by_key(|(c, _)| *c);
        let width = cells.last().map_or(0, |(c, _)| *c as usize + 1);
        budget = budget.checked_sub(width).ok_or(SheetError::TooManyCells)?;
        let mut line = vec![String::new(); width];
        for (c, v) in cells {
            if let Some(slot) = line.get_mut(c as usize) {
                *slot = v;
            }
        }
        lines.push((r as usize + 1, line));
    }
    Ok(lines)
}

/// The field a header names, by common names in the region's languages; a
/// bilingual header ("姓名 / Name") is tried part by part.
pub fn column_for(header: &str) -> Option<Column> {
    one_column(header).or_else(|| {
        header
            .split(['/', '|', '(', ')', '\n'])
            .find_map(one_column)
    })
}

fn one_column(header: &str) -> Option<Column> {
    let h: String = header
        .trim()
        .trim_start_matches('\u{feff}')
        .to_lowercase()
        .chars()
        // Letters and digits, and the combining vowel and tone marks of Thai
        // and Vietnamese (not alphanumeric in Unicode's sense).
        .filter(|c| {
            c.is_alphanumeric()
                || (!c.is_ascii()
                    && !c.is_whitespace()
                    && !matches!(c, '／' | '：' | '（' | '）' | '·' | '、' | '–' | '—'))
        })
        .collect();
    Some(match h.as_str() {
        "fullname"
        | "name"
        | "names"
        | "nameinfull"
        | "姓名"
        | "名字"
        | "ชื่อ"
        | "ชื่อนามสกุล"
        | "hoten"
        | "họtên"
        | "nama"
        | "namalengkap"
        | "pangalan" => Column::FullName,
        "altnames" | "othernames" | "alias" | "aliases" | "chinesename" | "中文姓名" | "中文名" => {
            Column::AltNames
        }
        "givenname" | "firstname" | "given" | "forename" | "名" => Column::GivenName,
        "familyname" | "surname" | "lastname" | "family" | "姓" | "นามสกุล" => {
            Column::FamilyName
        }
        "sex" | "gender" | "性别" | "性別" | "เพศ" | "gioitinh" | "giớitính" | "jeniskelamin" => {
            Column::Sex
        }
        "birthdate"
        | "dateofbirth"
        | "dob"
        | "born"
        | "出生日期"
        | "วันเกิด"
        | "วันเดือนปีเกิด"
        | "ngaysinh"
        | "ngàysinh"
        | "tanggallahir"
        | "kapanganakan" => Column::BirthDate,
        "nationality"
        | "country"
        | "citizenship"
        | "国籍"
        | "國籍"
        | "สัญชาติ"
        | "quoctich"
        | "quốctịch"
        | "kewarganegaraan"
        | "warganegara" => Column::Nationality,
        "passport"
        | "passportno"
        | "passportnumber"
        | "护照号码"
        | "護照號碼"
        | "护照"
        | "護照"
        | "หนังสือเดินทาง"
        | "เลขหนังสือเดินทาง"
        | "hộchiếu"
        | "sốhộchiếu"
        | "paspor" => Column::PassportNo,
        "idno"
        | "idnumber"
        | "nationalid"
        | "身份证号码"
        | "身份證號碼"
        | "เลขบัตรประชาชน"
        | "cccd"
        | "nik"
        | "mykad"
        | "nric" => Column::IdNo,
        "phone"
        | "phones"
        | "tel"
        | "telephone"
        | "mobile"
        | "电话"
        | "電話"
        | "手机"
        | "手機"
        | "โทรศัพท์"
        | "เบอร์โทร"
        | "sốđiệnthoại"
        | "điệnthoại"
        | "telepon"
        | "nohp" => Column::Phone,
        _ => return None,
    })
}

/// The guessed field of each header; each field at most once (the first
/// header naming it), except other names and phones, which accumulate.
pub fn guess_mapping(headers: &[String]) -> Vec<Option<Column>> {
    let mut taken = Vec::new();
    headers
        .iter()
        .map(|h| {
            let c = column_for(h)?;
            if taken.contains(&c) && !matches!(c, Column::AltNames | Column::Phone) {
                return None;
            }
            taken.push(c);
            Some(c)
        })
        .collect()
}

/// Applies `field=header` overrides (as `--columns` and the preview form
/// give them) to a guessed mapping. `field=` (empty header) is ignored;
/// `-=header` ignores that column.
pub fn apply_overrides(
    headers: &[String],
    mut mapping: Vec<Option<Column>>,
    overrides: &[String],
) -> Result<Vec<Option<Column>>, SheetError> {
    let mut by_header: HashMap<&str, Option<Column>> = HashMap::new();
    for o in overrides.iter().filter(|o| !o.trim().is_empty()) {
        let (field, header) = o
            .split_once('=')
            .ok_or_else(|| SheetError::BadMapping(format!("{o:?} is not field=header")))?;
        let (field, header) = (field.trim(), header.trim());
        if header.is_empty() {
            continue;
        }
        let col = if field == "-" {
            None
        } else {
            Some(Column::parse(field).ok_or_else(|| {
                SheetError::BadMapping(format!(
                    "{field:?} is not a field; use one of {}",
                    Column::ALL.map(Column::as_str).join(", ")
                ))
            })?)
        };
        if !headers.iter().any(|h| h == header) {
            return Err(SheetError::BadMapping(format!(
                "{header:?} is not a column of the list"
            )));
        }
        // The field moves to this header.
        if let Some(c) = col
            && !matches!(c, Column::AltNames | Column::Phone)
        {
            for m in &mut mapping {
                if *m == Some(c) {
                    *m = None;
                }
            }
        }
        by_header.insert(header, col);
    }
    for (h, m) in headers.iter().zip(mapping.iter_mut()) {
        if let Some(c) = by_header.get(h.as_str()) {
            *m = *c;
        }
    }
    Ok(mapping)
}

/// Something about one row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Issue {
    /// Line (or sheet row) of the row.
    pub line: usize,
    /// The field concerned, if one.
    pub field: Option<Column>,
    /// What is wrong, for the user.
    pub message: String,
    /// Whether the row is left out (otherwise only the field is).
    pub unusable: bool,
}

/// The people of a list.
#[derive(Debug, Clone, Default)]
pub struct Reading {
    /// One record per usable row; `record_id` is the row's line.
    pub records: Vec<PersonRecord>,
    /// Rows left out and fields dropped, in row order.
    pub issues: Vec<Issue>,
    /// Rows left out.
    pub unusable: usize,
}

fn split_list(s: &str) -> impl Iterator<Item = String> + '_ {
    s.split([';', '\n'])
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(|x| x.chars().take(200).collect())
        .take(8)
}

/// Reads each row into a person record under `mapping` (one entry per
/// header). A value the engine cannot read (a date, a phone) is dropped
/// from its row with an issue; a row with neither a name nor a document
/// number is left out with an issue.
pub fn read_people(table: &Table, mapping: &[Option<Column>]) -> Result<Reading, SheetError> {
    if !mapping.iter().flatten().any(|c| c.identifies()) {
        return Err(SheetError::NoIdentifyingColumn);
    }
    let mut out = Reading::default();
    for row in &table.rows {
        let mut r = PersonRecord {
            record_id: row.line.to_string(),
            ..PersonRecord::default()
        };
        for (col, v) in mapping.iter().zip(&row.cells) {
            let Some(col) = col else { continue };
            if v.is_empty() {
                continue;
            }
            let v = v.clone();
            match col {
                Column::FullName => r.names.insert(0, v),
                Column::AltNames => r.names.extend(split_list(&v)),
                Column::GivenName => r.given_name = Some(v),
                Column::FamilyName => r.family_name = Some(v),
                Column::Sex => r.sex = Some(v),
                Column::BirthDate => r.birth_date = Some(v),
                Column::Nationality => r.nationality = Some(v),
                Column::PassportNo => r.passport_no = Some(v),
                Column::IdNo => r.id_no = Some(v),
                Column::Phone => r.phones.extend(split_list(&v)),
            }
        }
        // Drop what the engine cannot read, one field at a time.
        let mut checked = None;
        for _ in 0..5 {
            match prepare(&r, true) {
                Ok(p) => {
                    checked = Some(p);
                    break;
                }
                Err(e) => {
                    let (field, value) = match e.field {
                        "birth_date" => (Column::BirthDate, r.birth_date.take()),
                        "phone" => (Column::Phone, {
                            let all = r.phones.join("; ");
                            r.phones.clear();
                            Some(all)
                        }),
                        "sex" => (Column::Sex, r.sex.take()),
                        "nationality" => (Column::Nationality, r.nationality.take()),
                        _ => break,
                    };
                    out.issues.push(Issue {
                        line: row.line,
                        field: Some(field),
                        message: format!(
                            "{} {:?} left out: {}",
                            field.label(),
                            value.unwrap_or_default(),
                            e.message
                        ),
                        unusable: false,
                    });
                }
            }
        }
        let identifies = checked
            .as_ref()
            .is_some_and(|p| !p.names.is_empty() || p.passport.is_some() || p.id_no.is_some());
        if identifies {
            out.records.push(r);
        } else {
            out.unusable += 1;
            out.issues.push(Issue {
                line: row.line,
                field: None,
                message: if checked.is_none() {
                    "a value cannot be read".into()
                } else {
                    "no name and no document number".into()
                },
                unusable: true,
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
