//! `custos deadline`: when an FOI or subject access request must be answered, for staff and
//! auditors, and the clock engine's own interface (`custos_rights::clock`).
//!
//! `custos deadline --law foi|sar|sar-le --received YYYY-MM-DD [--extended]` prints the due date
//! as `YYYY-MM-DD`. `--received` is the day the clock starts (receipt, or for a subject access
//! request the day the identity was verified); `--extended` applies the longest extension the
//! law allows (FOI: the 40th working day; SAR: three months from the start; Part 3: the same, for
//! requests from 5 February 2026 only, an error before).
//!
//! `custos deadline --batch` reads lines `LAW,RECEIVED[,extended]` from standard input and
//! prints one line per input line, in order: the due date, or `error: …` for a line that cannot
//! be answered (also reported on standard error with its line number, and the exit status is
//! then 1). Blank lines are skipped; a first line `law,received…` is taken as a header.
//! A line that is not UTF-8 is answered with an error, not the end of the batch.

use std::io::{BufRead, BufWriter, Write};
use std::process::ExitCode;

use anyhow::Context;
use custos_rights::calendar::Region;
use custos_rights::clock::{self, Law};
use jiff::civil::Date;

#[derive(Debug, clap::Args)]
pub struct DeadlineArgs {
    /// The law the request is made under: foi, sar (UK GDPR) or sar-le (DPA 2018 Part 3).
    #[arg(long, required_unless_present = "batch", conflicts_with = "batch")]
    law: Option<String>,
    /// The day the clock starts, YYYY-MM-DD: receipt, or for subject access the day the
    /// requester's identity was verified.
    #[arg(long, required_unless_present = "batch", conflicts_with = "batch")]
    received: Option<String>,
    /// Apply the longest extension the law allows for this request.
    #[arg(long, conflicts_with = "batch")]
    extended: bool,
    /// Read `LAW,RECEIVED[,extended]` lines from standard input; print one due date per line.
    #[arg(long)]
    batch: bool,
    /// The force's jurisdiction, whose bank holidays a subject access deadline rolls over
    /// (FOI counts the holidays of every part of the UK).
    #[arg(long, default_value = "england-wales", value_parser = |s: &str| s.parse::<Region>())]
    jurisdiction: Region,
}

pub fn run(args: DeadlineArgs) -> anyhow::Result<ExitCode> {
    if args.batch {
        let stdin = std::io::stdin().lock();
        let stdout = std::io::stdout().lock();
        let failed = batch(stdin, BufWriter::new(stdout), args.jurisdiction, |n, message| {
            let _ = writeln!(std::io::stderr().lock(), "custos: line {n}: {message}");
        })?;
        return Ok(if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS });
    }
    let (Some(law), Some(received)) = (args.law, args.received) else {
        anyhow::bail!("give --law and --received, or --batch");
    };
    let due = answer(&law, &received, args.extended, args.jurisdiction)?;
    crate::cli::out(due)?;
    Ok(ExitCode::SUCCESS)
}

/// Answers each line of `input` on `output`; `report` hears of each line that failed (its
/// number from 1, the message). Returns whether any line failed.
fn batch(input: impl BufRead, mut output: impl Write, jurisdiction: Region, mut report: impl FnMut(usize, &str)) -> anyhow::Result<bool> {
    let mut failed = false;
    let mut seen_any = false;
    for (i, line) in input.split(b'\n').enumerate() {
        let line = line.context("reading standard input")?;
        // A line that is not UTF-8 (a Windows-1252 export) is answered with an error like any
        // other bad line, so the rest still line up.
        let answer = match std::str::from_utf8(&line) {
            Ok(text) => {
                let text = text.trim_start_matches('\u{feff}').trim();
                if text.is_empty() {
                    continue;
                }
                let header = !seen_any && text.to_ascii_lowercase().starts_with("law,");
                seen_any = true;
                if header {
                    continue;
                }
                answer_line(text, jurisdiction)
            }
            Err(_) => {
                seen_any = true;
                Err(anyhow::anyhow!("the line is not UTF-8 text"))
            }
        };
        match answer {
            Ok(due) => writeln!(output, "{due}")?,
            Err(e) => {
                failed = true;
                report(i + 1, &e.to_string());
                writeln!(output, "error: {e}")?;
            }
        }
    }
    output.flush()?;
    Ok(failed)
}

/// One batch line: `LAW,RECEIVED[,extended]`.
fn answer_line(line: &str, jurisdiction: Region) -> anyhow::Result<Date> {
    let fields: Vec<&str> = line.split(',').map(str::trim).collect();
    let extended = match fields.as_slice() {
        [_, _] => false,
        [_, _, ""] => false,
        [_, _, flag] if flag.eq_ignore_ascii_case("extended") => true,
        [_, _, flag] => anyhow::bail!("the third field is `extended` or nothing, not {flag:?}"),
        _ => anyhow::bail!("expected LAW,RECEIVED[,extended], got {line:?}"),
    };
    answer(fields[0], fields[1], extended, jurisdiction)
}

fn answer(law: &str, received: &str, extended: bool, jurisdiction: Region) -> anyhow::Result<Date> {
    let law: Law = law.parse()?;
    let received = day(received)?;
    Ok(clock::due_date(law, received, extended, jurisdiction)?)
}

/// A date written exactly `YYYY-MM-DD`.
fn day(text: &str) -> anyhow::Result<Date> {
    custos_rights::calendar::parse_day(text).map_err(|e| anyhow::anyhow!("the received date: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_batch(input: &str) -> (String, Vec<usize>, bool) {
        let mut out = Vec::new();
        let mut bad = Vec::new();
        let failed = batch(input.as_bytes(), &mut out, Region::EnglandWales, |n, _| bad.push(n)).unwrap();
        (String::from_utf8(out).unwrap(), bad, failed)
    }

    #[test]
    fn a_batch_answers_every_line_in_order() {
        let (out, bad, failed) = run_batch("law,received,extended\nfoi,2018-06-01\nsar,2024-11-25\r\n\nSAR-LE , 2026-02-05 , extended\nfoi,2018-06-01,extended\n");
        assert_eq!(out, "2018-06-29\n2024-12-27\n2026-05-05\n2018-07-30\n");
        assert!(bad.is_empty() && !failed);
    }

    #[test]
    fn a_bad_line_is_answered_with_its_error_and_the_rest_go_on() {
        let input = "sar-le,2026-02-04,extended\nfoi,01/06/2018\nfoi,2018-02-30\ngdpr,2024-01-01\nfoi\nfoi,2018-06-01,maybe\nfoi,2009-06-01\nfoi,2018-06-01\n";
        let (out, bad, failed) = run_batch(input);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 8, "{out}");
        assert!(lines[0].contains("5 February 2026"), "{out}");
        assert!(lines[1].contains("YYYY-MM-DD"), "{out}");
        assert!(lines[2].contains("not a date"), "{out}");
        assert!(lines[3].contains("unknown law"), "{out}");
        assert!(lines[4].contains("expected LAW,RECEIVED"), "{out}");
        assert!(lines[5].contains("`extended`"), "{out}");
        assert!(lines[6].contains("outside the calendar"), "{out}");
        assert_eq!(lines[7], "2018-06-29");
        assert!(lines[..7].iter().all(|l| l.starts_with("error: ")));
        assert_eq!(bad, [1, 2, 3, 4, 5, 6, 7]);
        assert!(failed);
    }

    #[test]
    fn a_line_that_is_not_utf8_does_not_stop_the_batch() {
        let mut out = Vec::new();
        let input: &[u8] = b"\nlaw,received\nfoi,2024-01-01\nfoi,2024-01-01 \xa3\nsar,2024-01-01\n";
        let failed = batch(input, &mut out, Region::EnglandWales, |_, _| {}).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "2024-01-30\nerror: the line is not UTF-8 text\n2024-02-01\n");
        assert!(failed);
    }

    #[test]
    fn dates_are_exactly_year_month_day() {
        for text in ["2024-9-03", "20240903", "2024-09-03T00:00", "２０２４-09-03", ""] {
            assert!(day(text).is_err(), "{text:?}");
        }
        assert_eq!(day(" 2024-09-03 ").unwrap(), jiff::civil::date(2024, 9, 3));
    }
}
