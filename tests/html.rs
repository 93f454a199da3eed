//! The HTML report: escaping, `--previous`, and what a person sees in a real browser.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::string_slice
)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{project, repo, vigie};

const HOSTILE: &str = "<script>alert(1)</script>";

/// A compose file whose service name, image and directory are markup.
fn hostile_project() -> tempfile::TempDir {
    let compose = format!(
        "services:\n  \"{HOSTILE}\":\n    image: \"nginx:<img src=x onerror=alert(2)>\"\n    privileged: true\n"
    );
    project(&[(&format!("{HOSTILE}/compose.yaml"), &compose)])
}

#[test]
fn everything_from_the_input_is_escaped() {
    let dir = hostile_project();
    let run = vigie(dir.path(), &["scan", "--format", "html"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let html = run.stdout.to_lowercase();
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains("<img"), "{html}");
    // The markup is shown as text: in the file name, the message and the snippet.
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;/compose.yaml"));
    assert!(
        html.contains("service &quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot; runs privileged")
    );
    assert!(html.contains("nginx:&lt;img src=x onerror=alert(2)&gt;"));
}

#[test]
fn html_is_written_to_the_output_file() {
    let dir = hostile_project();
    let run = vigie(
        dir.path(),
        &["scan", "--format", "html", "-o", "report.html"],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stdout.is_empty());
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.ends_with("</html>\n"));
}

const BEFORE: &str = "services:
  web:
    image: nginx:latest
    privileged: true
  db:
    image: postgres:16
    ports:
      - \"5432:5432\"
";

// `web` is no longer privileged; `db` now mounts the Docker socket.
const AFTER: &str = "services:
  web:
    image: nginx:latest
  db:
    image: postgres:16
    ports:
      - \"5432:5432\"
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock
";

fn count(html: &str, needle: &str) -> usize {
    html.matches(needle).count()
}

#[test]
fn previous_report_gives_new_fixed_and_unchanged() {
    let dir = project(&[("compose.yaml", BEFORE)]);
    let old = vigie(dir.path(), &["scan", "--format", "json", "-o", "old.json"]);
    assert_eq!(old.code, 1, "{}", old.stderr);
    let before = vigie(dir.path(), &["scan", "--format", "json"]).json();
    let total_before = before["summary"]["findings"].as_u64().unwrap();

    std::fs::write(dir.path().join("compose.yaml"), AFTER).unwrap();
    let now = vigie(dir.path(), &["scan", "--format", "json"]).json();
    let total_now = now["summary"]["findings"].as_u64().unwrap();
    let run = vigie(
        dir.path(),
        &["scan", "--format", "html", "--previous", "old.json"],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let html = &run.stdout;

    // The oracle: fingerprints of the two JSON reports.
    let prints = |r: &serde_json::Value| -> Vec<String> {
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["fingerprint"].as_str().unwrap().to_string())
            .collect()
    };
    let (b, n) = (prints(&before), prints(&now));
    let new = n.iter().filter(|f| !b.contains(f)).count();
    let fixed = b.iter().filter(|f| !n.contains(f)).count();
    let unchanged = n.len() - new;
    assert_eq!((new, fixed), (1, 1), "one finding gone, one appeared");
    assert_eq!(unchanged as u64, total_before - 1);
    assert_eq!(unchanged as u64, total_now - 1);

    assert!(
        html.contains(&format!(
            "<b class=\"new\">{new} new</b>, <b class=\"fixed\">{fixed} fixed</b>, {unchanged} unchanged."
        )),
        "{html}"
    );
    assert_eq!(count(html, "<span class=\"badge new\">new</span>"), new);
    assert_eq!(count(html, "<tr class=\"fixed\">"), fixed);
    assert!(html.contains("<h2>Fixed since the previous report (1)</h2>"));
    let fixed_row = html
        .lines()
        .find(|l| l.starts_with("<tr class=\"fixed\">"))
        .unwrap();
    assert!(fixed_row.contains("compose.privileged") && fixed_row.contains("compose.yaml:4:"));
    let new_item = html
        .lines()
        .find(|l| l.contains("<span class=\"badge new\">"))
        .unwrap();
    assert!(
        new_item.contains("docker socket") || new_item.contains("Docker socket"),
        "{new_item}"
    );

    // Compared with itself, nothing changed.
    let same = vigie(
        dir.path(),
        &["scan", "--format", "html", "--previous", "old.json"],
    );
    assert!(same.stdout.contains("unchanged."));
    std::fs::write(dir.path().join("compose.yaml"), BEFORE).unwrap();
    let same = vigie(
        dir.path(),
        &["scan", "--format", "html", "--previous", "old.json"],
    );
    assert!(
        same.stdout.contains(&format!(
            "<b class=\"new\">0 new</b>, <b class=\"fixed\">0 fixed</b>, {total_before} unchanged."
        )),
        "{}",
        same.stdout
    );
}

#[test]
fn bad_previous_report_is_a_usage_error_naming_where() {
    let dir = project(&[
        ("compose.yaml", BEFORE),
        ("broken.json", "{\n  \"version\": 1,\n  \"findings\": [,]\n}\n"),
        (
            "future.json",
            "{\n  \"version\": 2,\n  \"tool\": {\"name\": \"vigie\", \"version\": \"9\"},\n  \"findings\": []\n}\n",
        ),
        ("notes.json", "[1, 2]\n"),
    ]);
    let run = |args: &[&str]| {
        let mut all = vec!["scan", "compose.yaml", "--format", "html"];
        all.extend(args);
        vigie(dir.path(), &all)
    };

    let r = run(&["--previous", "broken.json"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("broken.json:3:16"), "{}", r.stderr);
    assert!(r.stdout.is_empty(), "no report is written");

    let r = run(&["--previous", "future.json"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("future.json:2:"), "{}", r.stderr);
    assert!(r.stderr.contains("version 2 report"), "{}", r.stderr);

    let r = run(&["--previous", "notes.json"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("notes.json:1:"), "{}", r.stderr);

    let r = run(&["--previous", "missing.json"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("missing.json") && r.stderr.contains("cannot read"),
        "{}",
        r.stderr
    );

    // Only the HTML report compares; other formats refuse the flag rather than ignore it.
    let r = vigie(
        dir.path(),
        &["scan", "--format", "json", "--previous", "broken.json"],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("--previous only applies to --format html"),
        "{}",
        r.stderr
    );
}

// --- Chromium ---------------------------------------------------------------------------------

fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("VIGIE_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|d| ["chromium", "chromium-browser"].map(|n| d.join(n)))
        .find(|p| p.is_file())
}

/// A headless Chromium run, killed (its whole process group) when it outlives its deadline or
/// the test.
struct Browser {
    child: std::process::Child,
}

impl Drop for Browser {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", self.child.id())])
                .status();
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Run Chromium on `page` with `args`; its standard output.
fn run_chromium(bin: &Path, page: &Path, args: &[String], work: &Path) -> String {
    use std::os::unix::process::CommandExt as _;
    let profile = tempfile::tempdir_in(work).unwrap();
    let out_path = work.join(format!("chromium-{}.out", args.len()));
    let out = std::fs::File::create(&out_path).unwrap();
    let err = std::fs::File::create(work.join("chromium.err")).unwrap();
    let mut cmd = Command::new(bin);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--window-size=1280,2000",
    ])
    .arg(format!("--user-data-dir={}", profile.path().display()))
    .args(args)
    .arg(format!("file://{}", page.display()))
    .stdin(Stdio::null())
    .stdout(out)
    .stderr(err)
    .process_group(0);
    let mut browser = Browser {
        child: cmd.spawn().expect("chromium starts"),
    };
    let deadline = Instant::now() + Duration::from_secs(90);
    let status = loop {
        if let Some(s) = browser.child.try_wait().unwrap() {
            break s;
        }
        assert!(
            Instant::now() < deadline,
            "chromium did not finish within 90 s (killed)"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(
        status.success(),
        "chromium failed: {status}\n{}",
        std::fs::read_to_string(work.join("chromium.err")).unwrap_or_default()
    );
    std::fs::read_to_string(out_path).unwrap()
}

/// Measures the laid-out page from inside it and writes the result into the DOM, for
/// `--dump-dom` to print: added to a copy of the report, never to the report itself.
const PROBE: &str = r"<script>
(function () {
  function shown(el) {
    const r = el.getBoundingClientRect(), cs = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && cs.visibility !== 'hidden' && cs.display !== 'none' && parseFloat(cs.opacity) > 0;
  }
  const rows = [...document.querySelectorAll('#summary tbody tr')].map(tr => ({
    shown: shown(tr), cells: [...tr.cells].map(td => td.innerText.trim()) }));
  const sections = [...document.querySelectorAll('section.severity')].map(s => ({
    id: s.id, shown: shown(s), heading: s.querySelector('h2').innerText.trim(),
    findings: [...s.querySelectorAll('li.finding')].filter(shown).length }));
  const hidden = [...document.body.querySelectorAll('*')]
    .filter(e => e.tagName !== 'SCRIPT' && e.textContent.trim() && !shown(e))
    .map(e => e.tagName + '.' + e.className);
  const pre = document.createElement('pre');
  pre.id = 'vigie-probe';
  pre.textContent = 'PROBE' + JSON.stringify({ rows, sections, hidden,
    verdict: document.getElementById('verdict').innerText,
    width: document.documentElement.scrollWidth }) + 'EBORP';
  document.body.appendChild(pre);
})();
</script>";

#[test]
fn chromium_shows_the_summary_and_the_severity_sections() {
    let Some(bin) = chromium() else {
        assert!(
            std::env::var_os("VIGIE_REQUIRE_TOOLS").is_none(),
            "chromium is missing (install it: see test-infra in the README, `apt-get install chromium`)"
        );
        eprintln!("skipping: chromium is not installed");
        return;
    };
    let root = repo();
    let work = tempfile::tempdir().unwrap();
    let page = work.path().join("report.html");
    let previous = "reports/examples/previous/homelab.json";
    let run = vigie(
        &root,
        &[
            "scan",
            "examples/homelab",
            "--format",
            "html",
            "--previous",
            previous,
            "-o",
            page.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    // The oracle: the JSON report of the same scan.
    let json = vigie(&root, &["scan", "examples/homelab", "--format", "json"]).json();

    let html = std::fs::read_to_string(&page).unwrap();
    let probed = work.path().join("probed.html");
    std::fs::write(&probed, html.replace("</body>", &format!("{PROBE}</body>"))).unwrap();
    let dom = run_chromium(&bin, &probed, &["--dump-dom".to_string()], work.path());
    let marker = "id=\"vigie-probe\">PROBE";
    let start = dom.find(marker).expect("the probe ran") + marker.len();
    let end = dom.rfind("EBORP</pre>").unwrap();
    let text = dom[start..end]
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&");
    let probe: serde_json::Value = serde_json::from_str(&text).unwrap();

    assert_eq!(
        probe["hidden"],
        serde_json::json!([]),
        "nothing with text is hidden"
    );
    assert!(probe["verdict"].as_str().unwrap().starts_with("FAIL"));
    assert!(
        probe["width"].as_u64().unwrap() <= 1280,
        "no horizontal scrolling at 1280 px"
    );

    // One summary row per file with findings or errors, with the JSON's counts.
    let severities = ["critical", "high", "medium", "low", "info"];
    let mut expected: std::collections::BTreeMap<String, [u64; 5]> = Default::default();
    for f in json["findings"].as_array().unwrap() {
        let row = expected
            .entry(f["file"].as_str().unwrap().to_string())
            .or_default();
        if f["suppressed"].is_null() {
            let i = severities
                .iter()
                .position(|s| *s == f["severity"].as_str().unwrap())
                .unwrap();
            row[i] += 1;
        }
    }
    for e in json["errors"].as_array().unwrap() {
        expected
            .entry(e["file"].as_str().unwrap().to_string())
            .or_default();
    }
    let rows = probe["rows"].as_array().unwrap();
    assert_eq!(rows.len(), expected.len(), "{rows:?}");
    for row in rows {
        assert_eq!(row["shown"], true);
        let cells: Vec<&str> = row["cells"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        let counts = expected
            .get(cells[0])
            .unwrap_or_else(|| panic!("unexpected row {cells:?}"));
        let shown: Vec<u64> = cells[2..7].iter().map(|c| c.parse().unwrap()).collect();
        assert_eq!(shown, counts, "row {}", cells[0]);
    }
    // Worst first.
    assert!(rows[0]["cells"][1].as_str().unwrap().contains("critical"));

    // One visible section per severity that has findings, with that many findings shown.
    let by_sev = &json["summary"]["by_severity"];
    let sections = probe["sections"].as_array().unwrap();
    let with_findings: Vec<&str> = severities
        .iter()
        .copied()
        .filter(|s| by_sev[s].as_u64().unwrap() > 0)
        .collect();
    assert_eq!(sections.len(), with_findings.len(), "{sections:?}");
    for (section, sev) in sections.iter().zip(&with_findings) {
        let n = by_sev[sev].as_u64().unwrap();
        assert_eq!(section["id"], format!("sev-{sev}"), "critical first");
        assert_eq!(section["shown"], true);
        assert_eq!(section["findings"].as_u64().unwrap(), n, "{sev}");
        assert!(
            section["heading"]
                .as_str()
                .unwrap()
                .to_lowercase()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .contains(&format!("{sev} {n} finding")),
            "{section}"
        );
    }

    // A screenshot of the report itself: a real, non-blank picture.
    let png = work.path().join("report.png");
    run_chromium(
        &bin,
        &page,
        &[format!("--screenshot={}", png.display())],
        work.path(),
    );
    let bytes = std::fs::read(&png).expect("a screenshot was written");
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let width = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
    assert_eq!((width, height), (1280, 2000));
    // A blank page compresses to a few kilobytes; text, tables and colour do not.
    assert!(bytes.len() > 60_000, "screenshot is {} bytes", bytes.len());

    // It prints: Chromium's PDF of the page has its pages.
    let pdf = work.path().join("report.pdf");
    run_chromium(
        &bin,
        &page,
        &[
            "--no-pdf-header-footer".to_string(),
            format!("--print-to-pdf={}", pdf.display()),
        ],
        work.path(),
    );
    let bytes = std::fs::read(&pdf).expect("a PDF was written");
    assert!(bytes.starts_with(b"%PDF-"));
    let pages = bytes
        .windows(12)
        .filter(|w| w.starts_with(b"/Type /Page") && w[11] != b's')
        .count();
    assert!((2..=60).contains(&pages), "{pages} printed pages");
}
