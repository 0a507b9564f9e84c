//! `homeward import rescue-list`: reconciles a published list of released
//! people against every open case of the network, as one organisation.

use std::collections::HashMap;
use std::path::PathBuf;

use anyhow::{Context, bail};
use homeward_core::{Homeward, RescueListInput, Uploader};
use homeward_match::PersonRecord;
use homeward_types::{OrgId, ReleaseMode};

use super::node::{DataArgs, runtime};

/// `homeward import …`
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    #[command(subcommand)]
    what: ImportCommand,
}

#[derive(Debug, clap::Subcommand)]
enum ImportCommand {
    /// Reconcile a rescue list (CSV, any column names) against every open case of the network,
    /// as organisation ORG. Prints one JSON object: rows, unusable, matched, review,
    /// notified_organisations. Owners of matched cases are notified; the uploader sees only
    /// its own cases.
    RescueList(RescueListArgs),
}

#[derive(Debug, clap::Args)]
struct RescueListArgs {
    /// The list: CSV with a header row, UTF-8. Names in any script; columns are recognised by
    /// common names (name, 姓名, ชื่อ, date of birth, nationality, passport, phone, …).
    file: PathBuf,
    /// The uploading organisation (its id).
    #[arg(long)]
    org: OrgId,
    /// Name of the list (default: the file name).
    #[arg(long)]
    name: Option<String>,
    /// How the people on the list left the compound.
    #[arg(long, default_value = "handover")]
    release_mode: ReleaseMode,
    /// Map other headers: `full_name=Name in full,birth_date=DOB`.
    #[arg(long, value_delimiter = ',')]
    columns: Vec<String>,
    #[command(flatten)]
    data: DataArgs,
}

/// Runs `homeward import …`.
pub fn run(args: ImportArgs) -> anyhow::Result<()> {
    match args.what {
        ImportCommand::RescueList(a) => rescue_list(a),
    }
}

/// Our column for a header as written, by common names in the region's
/// languages; a bilingual header ("姓名 / Name") is tried part by part.
fn column_for(header: &str) -> Option<&'static str> {
    one_column(header).or_else(|| {
        header
            .split(['/', '|', '(', ')', '\n'])
            .find_map(one_column)
    })
}

fn one_column(header: &str) -> Option<&'static str> {
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
        | "pangalan" => "full_name",
        "altnames" | "othernames" | "alias" | "aliases" | "chinesename" | "中文姓名" | "中文名" => {
            "alt_names"
        }
        "givenname" | "firstname" | "given" | "forename" => "given_name",
        "familyname" | "surname" | "lastname" | "family" | "姓" => "family_name",
        "sex" | "gender" | "性别" | "性別" | "เพศ" => "sex",
        "birthdate"
        | "dateofbirth"
        | "dob"
        | "born"
        | "出生日期"
        | "วันเกิด"
        | "ngaysinh"
        | "ngàysinh"
        | "tanggallahir" => "birth_date",
        "nationality"
        | "country"
        | "citizenship"
        | "国籍"
        | "國籍"
        | "สัญชาติ"
        | "quoctich"
        | "quốctịch"
        | "kewarganegaraan" => "nationality",
        "passport" | "passportno" | "passportnumber" | "护照号码" | "護照號碼" | "หนังสือเดินทาง" => {
            "passport_no"
        }
        "id" | "idno" | "idnumber" | "nationalid" | "身份证号码" | "身份證號碼" => {
            "id_no"
        }
        "phone" | "phones" | "tel" | "telephone" | "mobile" | "电话" | "電話" | "โทรศัพท์" => {
            "phone"
        }
        _ => return None,
    })
}

fn list(s: &str) -> Vec<String> {
    s.split(';')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(|x| x.chars().take(200).collect())
        .take(8)
        .collect()
}

/// Reads the list: every data row becomes a record (an empty one if it has
/// nothing usable; the engine counts it as unusable).
fn read_rows(bytes: &[u8], columns: &[String]) -> anyhow::Result<Vec<PersonRecord>> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!(
            "the file is not UTF-8 (first bad byte at offset {}); save it as UTF-8 CSV",
            e.valid_up_to()
        )
    })?;
    let mut rename: HashMap<String, String> = HashMap::new();
    for c in columns.iter().filter(|c| !c.trim().is_empty()) {
        let (new, old) = c
            .split_once('=')
            .with_context(|| format!("--columns entry {c:?} is not new=old"))?;
        rename.insert(old.trim().to_owned(), new.trim().to_owned());
    }
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<Option<String>> = rdr
        .headers()
        .context("cannot read the header row")?
        .iter()
        .map(|h| {
            rename
                .get(h.trim())
                .cloned()
                .or_else(|| column_for(h).map(str::to_string))
        })
        .collect();
    if !headers.iter().any(|h| {
        matches!(
            h.as_deref(),
            Some("full_name" | "given_name" | "family_name" | "passport_no" | "id_no")
        )
    }) {
        bail!(
            "no name or document column recognised in the header; map one with --columns full_name=YOUR_COLUMN"
        );
    }
    let mut rows = Vec::new();
    for (n, row) in rdr.records().enumerate() {
        let row = row.with_context(|| format!("line {}: malformed CSV row", n + 2))?;
        let mut r = PersonRecord {
            record_id: (n + 1).to_string(),
            ..PersonRecord::default()
        };
        for (i, value) in row.iter().enumerate() {
            let v: String = value.trim().chars().take(500).collect();
            if v.is_empty() {
                continue;
            }
            match headers.get(i).and_then(|h| h.as_deref()) {
                Some("full_name") => r.names.insert(0, v),
                Some("alt_names") => r.names.extend(list(&v)),
                Some("given_name") => r.given_name = Some(v),
                Some("family_name") => r.family_name = Some(v),
                Some("sex") => r.sex = Some(v),
                Some("birth_date") => r.birth_date = Some(v),
                Some("nationality") => r.nationality = Some(v),
                Some("passport_no") => r.passport_no = Some(v),
                Some("id_no") => r.id_no = Some(v),
                Some("phone") => r.phones.extend(list(&v)),
                _ => {}
            }
        }
        rows.push(r);
    }
    Ok(rows)
}

fn rescue_list(a: RescueListArgs) -> anyhow::Result<()> {
    let bytes =
        std::fs::read(&a.file).with_context(|| format!("cannot read {}", a.file.display()))?;
    let rows = read_rows(&bytes, &a.columns).with_context(|| a.file.display().to_string())?;
    let name = a.name.clone().unwrap_or_else(|| {
        a.file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "rescue list".into())
    });
    runtime()?.block_on(async move {
        let hw = Homeward::new(a.data.open().await?);
        let summary = hw
            .reconcile_rescue_list(
                Uploader::Cli(a.org),
                RescueListInput {
                    name,
                    file_sha256: homeward_core::secrets::file_digest(&bytes),
                    release_mode: a.release_mode,
                    rows,
                },
            )
            .await?;
        println!(
            "{}",
            serde_json::json!({
                "rows": summary.rows,
                "unusable": summary.unusable,
                "matched": summary.matched,
                "review": summary.review,
                "notified_organisations": summary.notified_organisations,
            })
        );
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_in_several_languages_are_recognised() {
        assert_eq!(column_for("Full Name"), Some("full_name"));
        assert_eq!(column_for("姓名"), Some("full_name"));
        assert_eq!(column_for("ชื่อ-นามสกุล"), Some("full_name"));
        assert_eq!(column_for("Date of Birth"), Some("birth_date"));
        assert_eq!(column_for("Passport No."), Some("passport_no"));
        assert_eq!(column_for("姓名 / Name"), Some("full_name"));
        assert_eq!(column_for("remarks"), None);
    }

    #[test]
    fn rows_are_read_tolerantly_and_bad_files_are_refused() {
        let csv = "No.,Name,DOB,Nationality,Remarks\n1,CHAN Wai Kit,2001-03-04,HK,x\n2,,,,\n";
        let rows = read_rows(csv.as_bytes(), &[]).unwrap_or_default();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].names, vec!["CHAN Wai Kit".to_string()]);
        assert!(rows[1].names.is_empty());
        assert!(read_rows(b"a,b\n1,2\n", &[]).is_err(), "no name column");
        assert!(read_rows(&[0xff, 0xfe, 0x41], &[]).is_err(), "not UTF-8");
        let mapped = read_rows(b"who,b\nX Y,2\n", &["full_name=who".into()]).unwrap_or_default();
        assert_eq!(mapped[0].names, vec!["X Y".to_string()]);
    }
}
