//! The subject access disclosure pack as a file: a zip of readable HTML pages (an index and one
//! page per item, third parties redacted), `items.json` (the items exactly as hashed into the
//! request's history) and `manifest.json`, which names every file with its SHA-256 and the
//! content hash, so the requester, the force and the Commissioner can each check that a pack is
//! the one disclosed.
//!
//! Stored, not compressed: a pack is some hundreds of kilobytes of text, and a zip of stored
//! entries needs nothing beyond the `zip` crate's core.

use std::io::Write;

use custos_store::subject_access::Pack;
use maud::{DOCTYPE, Markup, html};
use serde_json::json;
use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// The page's own stylesheet, inline in a `<style>` element: a pack is read offline, from disk,
/// where the service's stylesheet is not; the pages hold no script.
const STYLE: &str = "body{font-family:sans-serif;max-width:50em;margin:2em auto;line-height:1.4}\
    dt{font-weight:bold;margin-top:.5em}dd{margin-left:1em}.note{color:#555}";

fn page(title: &str, body: Markup) -> String {
    html! {
        (DOCTYPE)
        html lang="en" {
            head { meta charset="utf-8"; title { (title) } style { (STYLE) } }
            body { (body) }
        }
    }
    .into_string()
}

/// The file name of item `n` (from 1).
fn item_file(n: usize) -> String {
    format!("items/{n:04}.html")
}

/// The pack's files, in order: the index, each item's page, and the manifest.
pub fn files(pack: &Pack) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::with_capacity(pack.items.len() + 2);
    let index = page(
        &format!("Your personal data: {}", pack.reference),
        html! {
            h1 { "Your personal data" }
            p { "Request " (pack.reference) ", answered on " (pack.exported_on.to_string()) "." }
            p.note {
                "Other people's names, identifiers and addresses are shown as [redacted: …]: they are \
                 their personal data, not yours (Data Protection Act 2018 s.45(4)(e); UK GDPR Article 15(4))."
            }
            @if pack.withheld > 0 {
                p { (pack.withheld) " item(s) were not disclosed under a restriction the law allows (Data Protection Act 2018 s.45(4)). \
                    You may complain to the Information Commissioner's Office." }
            }
            ol {
                @for (n, item) in pack.items.iter().enumerate() {
                    li { a href=(item_file(n + 1)) { (item.title) } }
                }
            }
        },
    );
    files.push(("index.html".to_owned(), index.into_bytes()));
    for (n, item) in pack.items.iter().enumerate() {
        let html = page(
            &item.title,
            html! {
                p { a href="../index.html" { "All items" } }
                h1 { (item.title) }
                dl {
                    @for field in &item.fields {
                        dt { (field.label) }
                        dd { (field.text) }
                    }
                }
            },
        );
        files.push((item_file(n + 1), html.into_bytes()));
    }
    // The items exactly as hashed into the request's history: sha256(items.json) is the
    // manifest's content_sha256, so a pack can be matched to its `pack_exported` event.
    files.push(("items.json".to_owned(), serde_json::to_vec(&pack.items).unwrap_or_default()));
    let listed: Vec<serde_json::Value> = files
        .iter()
        .map(|(name, bytes)| json!({ "file": name, "sha256": hex::encode(Sha256::digest(bytes)) }))
        .collect();
    let manifest = json!({
        "reference": pack.reference,
        "exported_on": pack.exported_on,
        "content_sha256": pack.sha256,
        "items": pack.items.len(),
        "withheld": pack.withheld,
        "files": listed,
    });
    let manifest = serde_json::to_vec_pretty(&manifest).unwrap_or_default();
    files.push(("manifest.json".to_owned(), manifest));
    files
}

/// The pack as a zip archive.
pub fn zip(pack: &Pack) -> Result<Vec<u8>, zip::result::ZipError> {
    let mut writer = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    for (name, bytes) in files(pack) {
        writer.start_file(name, options)?;
        writer.write_all(&bytes)?;
    }
    Ok(writer.finish()?.into_inner())
}

/// The download's file name: the reference with its slashes made safe.
pub fn file_name(pack: &Pack) -> String {
    format!("{}.zip", pack.reference.replace('/', "-"))
}

/// The pack as a download: `200 application/zip`, named after the request.
pub fn download(pack: &Pack) -> Result<axum::response::Response, crate::problem::Problem> {
    use axum::http::header;
    use axum::response::IntoResponse;
    let bytes = zip(pack).map_err(|e| crate::problem::Problem::internal(&e))?;
    let disposition = format!("attachment; filename=\"{}\"", file_name(pack));
    Ok(([(header::CONTENT_TYPE, "application/zip".to_owned()), (header::CONTENT_DISPOSITION, disposition)], bytes).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use custos_rights::discovery::ItemDecision;
    use custos_store::subject_access::{PackField, PackItem};

    fn pack() -> Pack {
        Pack {
            reference: "SAR-LE/2026/000001".into(),
            exported_on: jiff::civil::date(2026, 11, 20),
            items: vec![PackItem {
                key: "entity:x:1".into(),
                title: "Crime report <script>".into(),
                decision: ItemDecision::Disclose,
                fields: vec![PackField { label: "narrative".into(), text: "[redacted: name] said".into() }],
            }],
            withheld: 1,
            sha256: "ab".repeat(32),
        }
    }

    #[test]
    fn the_manifest_names_every_page_with_its_hash() {
        let files = files(&pack());
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["index.html", "items/0001.html", "items.json", "manifest.json"]);
        let manifest: serde_json::Value = serde_json::from_slice(&files[3].1).unwrap();
        assert_eq!(manifest["content_sha256"], "ab".repeat(32));
        for (i, listed) in manifest["files"].as_array().unwrap().iter().enumerate() {
            assert_eq!(listed["sha256"], hex::encode(Sha256::digest(&files[i].1)));
        }
        let item = String::from_utf8(files[1].1.clone()).unwrap();
        assert!(item.contains("Crime report &lt;script&gt;"), "escaped: {item}");
        assert!(String::from_utf8(files[0].1.clone()).unwrap().contains("1 item(s) were not disclosed"));
    }

    #[test]
    fn the_zip_opens_with_every_file() {
        let bytes = zip(&pack()).unwrap();
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(archive.len(), 4);
        let mut manifest = String::new();
        std::io::Read::read_to_string(&mut archive.by_name("manifest.json").unwrap(), &mut manifest).unwrap();
        assert!(manifest.contains("SAR-LE/2026/000001"));
    }
}
