#![expect(clippy::unwrap_used, reason = "tests")]

use rust_xlsxwriter::{ExcelDateTime, Format as XFormat, Workbook};

use super::*;

fn table(text: &str) -> Table {
    read_table(text.as_bytes(), &ReadOptions::default()).unwrap()
}

fn people(t: &Table) -> Reading {
    read_people(t, &guess_mapping(&t.headers)).unwrap()
}

#[test]
fn headers_in_the_regions_languages_are_recognised() {
    assert_eq!(column_for("Full Name"), Some(Column::FullName));
    assert_eq!(column_for("姓名"), Some(Column::FullName));
    assert_eq!(column_for("ชื่อ-นามสกุล"), Some(Column::FullName));
    assert_eq!(column_for("Họ tên"), Some(Column::FullName));
    assert_eq!(column_for("Date of Birth"), Some(Column::BirthDate));
    assert_eq!(column_for("วันเกิด"), Some(Column::BirthDate));
    assert_eq!(column_for("Passport No."), Some(Column::PassportNo));
    assert_eq!(column_for("姓名 / Name"), Some(Column::FullName));
    assert_eq!(column_for("\u{feff}Nationality"), Some(Column::Nationality));
    assert_eq!(column_for("remarks"), None);
}

#[test]
fn delimited_text_any_separator_with_bom() {
    let t = table(
        "\u{feff}No.;Name;DOB;Nationality\n1;CHAN Wai Kit;2001-03-04;HK\n\n2;\"NGUYEN; Van An\";14/03/1999;VN\n",
    );
    assert_eq!(t.delimiter, Some(';'));
    assert_eq!(t.headers, vec!["No.", "Name", "DOB", "Nationality"]);
    assert_eq!(t.rows.len(), 2, "blank lines skipped");
    assert_eq!(t.rows[1].line, 4, "lines count as the user sees them");
    let r = people(&t);
    assert_eq!(r.records.len(), 2);
    assert_eq!(r.records[0].names, vec!["CHAN Wai Kit".to_string()]);
    assert_eq!(r.records[1].record_id, "4");
    assert_eq!(r.records[1].birth_date.as_deref(), Some("14/03/1999"));
}

#[test]
fn pasted_cells_are_tab_separated() {
    let t = table("姓名\t出生日期\t國籍\n陳偉傑\t2001-03-04\t香港\n");
    assert_eq!(t.delimiter, Some('\t'));
    let r = people(&t);
    assert_eq!(r.records[0].names, vec!["陳偉傑".to_string()]);
    assert_eq!(r.records[0].nationality.as_deref(), Some("香港"));
}

#[test]
fn unreadable_values_are_dropped_with_a_reason_and_nameless_rows_are_unusable() {
    let t = table(
        "Name,DOB,Phone,Passport\nSomchai Jaidee,early nineties,+66 81 234 5678,\n,,,\n,1990,,\nLinh,1995-02-30,,\n,,,B1234567\n",
    );
    let r = people(&t);
    assert_eq!(r.records.len(), 3, "{:?}", r.issues);
    assert_eq!(r.records[0].birth_date, None, "bad date dropped, row kept");
    assert_eq!(r.records[0].phones.len(), 1);
    assert!(
        r.issues
            .iter()
            .any(|i| i.line == 2 && i.field == Some(Column::BirthDate) && !i.unusable)
    );
    assert_eq!(r.unusable, 1);
    assert!(r.issues.iter().any(|i| i.line == 4 && i.unusable));
    assert_eq!(
        r.records[2].passport_no.as_deref(),
        Some("B1234567"),
        "a document alone identifies"
    );
}

#[test]
fn encodings_utf16_legacy_and_refusal() {
    let (thai, _, _) = encoding_rs::WINDOWS_874.encode("ชื่อ,สัญชาติ\nสมชาย ใจดี,TH\n");
    let err = read_table(&thai, &ReadOptions::default()).unwrap_err();
    assert!(matches!(err, SheetError::NotUtf8 { .. }));
    assert!(err.to_string().contains("windows-874"));
    let t = read_table(
        &thai,
        &ReadOptions {
            encoding: Some("windows-874".into()),
            ..ReadOptions::default()
        },
    )
    .unwrap();
    assert_eq!(people(&t).records[0].names, vec!["สมชาย ใจดี".to_string()]);
    assert!(matches!(
        read_table(
            &thai,
            &ReadOptions {
                encoding: Some("klingon".into()),
                ..ReadOptions::default()
            }
        ),
        Err(SheetError::UnknownEncoding(_))
    ));
    let mut utf16 = vec![0xff, 0xfe];
    for u in "Name\tDOB\nLê Văn Đức\t1990\n".encode_utf16() {
        utf16.extend(u.to_le_bytes());
    }
    let t = read_table(&utf16, &ReadOptions::default()).unwrap();
    assert_eq!(people(&t).records[0].names, vec!["Lê Văn Đức".to_string()]);
    assert_eq!(
        read_table(b"  \n", &ReadOptions::default()),
        Err(SheetError::Empty)
    );
}

#[test]
fn mapping_overrides_and_refusals() {
    let t = table("who,born,misc\nX Y,2001,Z\n");
    assert_eq!(
        read_people(&t, &guess_mapping(&t.headers)).unwrap_err(),
        SheetError::NoIdentifyingColumn
    );
    let m = apply_overrides(
        &t.headers,
        guess_mapping(&t.headers),
        &["full_name=who".into(), "birth_date=born".into()],
    )
    .unwrap();
    assert_eq!(
        m,
        vec![Some(Column::FullName), Some(Column::BirthDate), None]
    );
    let r = read_people(&t, &m).unwrap();
    assert_eq!(r.records[0].names, vec!["X Y".to_string()]);
    assert!(apply_overrides(&t.headers, m.clone(), &["nonsense".into()]).is_err());
    assert!(apply_overrides(&t.headers, m.clone(), &["shoe_size=who".into()]).is_err());
    assert!(apply_overrides(&t.headers, m.clone(), &["full_name=absent".into()]).is_err());
    let ignored = apply_overrides(&t.headers, m, &["-=born".into()]).unwrap();
    assert_eq!(ignored[1], None);
    // A field moved to another header leaves the first.
    let t = table("Name,Name (Thai)\nSomchai,สมชาย\n");
    let m = apply_overrides(
        &t.headers,
        guess_mapping(&t.headers),
        &["full_name=Name (Thai)".into(), "alt_names=Name".into()],
    )
    .unwrap();
    assert_eq!(m, vec![Some(Column::AltNames), Some(Column::FullName)]);
}

#[test]
fn cells_are_bounded() {
    let long = "ก".repeat(10_000);
    let t = table(&format!("Name\n{long}\n"));
    assert_eq!(t.rows[0].cells[0].chars().count(), MAX_CELL);
}

fn workbook() -> Vec<u8> {
    let mut wb = Workbook::new();
    let empty = wb.add_worksheet();
    empty.set_name("Cover").unwrap();
    let ws = wb.add_worksheet();
    ws.set_name("Released").unwrap();
    let date = XFormat::new().set_num_format("dd/mm/yyyy");
    ws.write_string(0, 0, "Handover list, Myawaddy (synthetic)")
        .unwrap();
    for (c, h) in [
        "No.",
        "Name / 姓名",
        "Date of Birth",
        "Nationality",
        "Passport No.",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(2, c as u16, *h).unwrap();
    }
    let people = [
        ("CHAN Wai Kit", (2001, 3, 4), "K00000001"),
        ("LEE Ka Yan", (1999, 12, 1), "K00000002"),
        ("WONG Siu Ming", (2000, 6, 30), ""),
    ];
    for (i, (name, (y, m, d), pp)) in people.iter().enumerate() {
        let r = 3 + i as u32;
        ws.write_number(r, 0, (i + 1) as f64).unwrap();
        ws.write_string(r, 1, *name).unwrap();
        ws.write_datetime_with_format(r, 2, ExcelDateTime::from_ymd(*y, *m, *d).unwrap(), &date)
            .unwrap();
        if !pp.is_empty() {
            ws.write_string(r, 4, *pp).unwrap();
        }
    }
    // Nationality merged down the group.
    ws.merge_range(3, 3, 5, 3, "HK", &XFormat::new()).unwrap();
    wb.save_to_buffer().unwrap()
}

#[test]
fn workbooks_with_serial_dates_merged_cells_and_a_preamble() {
    let bytes = workbook();
    let t = read_table(&bytes, &ReadOptions::default()).unwrap();
    assert_eq!(t.format, Format::Xlsx);
    assert_eq!(
        t.sheet.as_deref(),
        Some("Released"),
        "the empty cover is skipped"
    );
    assert_eq!(t.sheets, vec!["Cover".to_string(), "Released".to_string()]);
    assert_eq!(
        t.headers[1], "Name / 姓名",
        "the title line above the header is skipped"
    );
    let r = read_people(&t, &guess_mapping(&t.headers)).unwrap();
    assert_eq!(r.records.len(), 3);
    assert_eq!(r.records[0].birth_date.as_deref(), Some("2001-03-04"));
    assert!(
        r.records
            .iter()
            .all(|p| p.nationality.as_deref() == Some("HK")),
        "merged cell given to every row"
    );
    assert_eq!(r.records[0].record_id, "4", "sheet row numbers");
    assert!(matches!(
        read_table(
            &bytes,
            &ReadOptions {
                sheet: Some("Missing".into()),
                ..ReadOptions::default()
            }
        ),
        Err(SheetError::NoSheet(_))
    ));
    assert_eq!(
        read_table(
            &bytes,
            &ReadOptions {
                sheet: Some("Cover".into()),
                ..ReadOptions::default()
            }
        ),
        Err(SheetError::Empty)
    );
    assert!(matches!(
        read_table(b"PK\x03\x04garbage", &ReadOptions::default()),
        Err(SheetError::Workbook(_))
    ));
}

#[test]
fn a_title_above_the_header_is_skipped_in_text_too() {
    let t = table("Released at the border, 20 Nov (synthetic)\n\nName,DOB\nMin Zaw,1994\n");
    assert_eq!(t.headers, vec!["Name", "DOB"]);
    assert_eq!(people(&t).records[0].record_id, "4");
    // An unrecognised header below a title is still the header.
    let t = table("Released 20 Nov (synthetic)\nWho,Born,From\nMin Zaw,1994,MM\n");
    assert_eq!(t.headers, vec!["Who", "Born", "From"]);
    assert_eq!(t.rows.len(), 1);
}

#[test]
fn hostile_workbooks_are_refused_without_allocating_their_declared_size() {
    // Two cells a whole sheet apart: a dense read would ask for 17 billion.
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "Name").unwrap();
    ws.write_string(1, 0, "Min Zaw").unwrap();
    ws.write_string(1_048_575, 16_383, "far away").unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    let t = read_table(&bytes, &ReadOptions::default()).unwrap();
    assert_eq!(
        t.headers,
        vec!["Name"],
        "columns past the limit are dropped"
    );
    assert_eq!(
        t.rows.len(),
        1,
        "a row with nothing in the read columns is no row"
    );
    // A merged region over the whole sheet fills only rows with data.
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "Name").unwrap();
    ws.write_string(0, 1, "Nationality").unwrap();
    ws.write_string(1, 0, "Min Zaw").unwrap();
    ws.merge_range(1, 1, 3_000, 40, "MM", &XFormat::new())
        .unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    let t = read_table(&bytes, &ReadOptions::default()).unwrap();
    assert_eq!(t.rows.len(), 1);
    assert_eq!(t.rows[0].cells, vec!["Min Zaw", "MM"]);
}

#[test]
fn the_delimiter_is_found_below_a_title_and_old_mac_lines_are_counted() {
    let t = table("Handover, 20 Nov (synthetic)\nName;DOB;Nationality\nMin Zaw;1994;MM\n");
    assert_eq!(t.delimiter, Some(';'));
    assert_eq!(t.headers, vec!["Name", "DOB", "Nationality"]);
    let t = table("Name,DOB\rMin Zaw,1994\rAung Aung,1990\r");
    assert_eq!(
        t.rows.iter().map(|r| r.line).collect::<Vec<_>>(),
        vec![2, 3]
    );
    // Rows wider than the header keep only the header's columns.
    let t = table(&format!("Name\nMin Zaw{}\n", ",".repeat(190)));
    assert_eq!(t.rows[0].cells.len(), 1);
}
