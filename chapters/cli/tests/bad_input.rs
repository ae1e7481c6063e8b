//! The README's table of bad input is true: every row is run here. Each row names a case, the
//! command a careless user typed, when nabla notices, and the start of what it says; `{dir}` is
//! a scratch directory that the case's fixture below prepares (a FIFO, a symlink, swapped data
//! files, a damaged checkpoint…). A row whose message starts with `warning:`, or which is noticed as `a note`, must succeed; every
//! other row must fail with exit code 1 or 2, and a row noticed `before training` must not have
//! printed an epoch.

use nabla::data::mnist;
use std::path::{Path, PathBuf};
use std::process::Command;

/// One row of the README's table.
#[derive(Debug)]
struct Row {
    case: String,
    command: String,
    when: String,
    message: String,
}

/// The rows of the table under the README's heading "When something is wrong".
fn rows() -> Vec<Row> {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md"))
            .expect("the README is readable");
    let section = readme
        .split("## When something is wrong")
        .nth(1)
        .expect("the README has a section \"When something is wrong\"");
    let unquote = |cell: &str| cell.trim().trim_matches('`').trim().to_string();
    section
        .lines()
        .take_while(|line| !line.starts_with("## "))
        .filter(|line| line.starts_with("| `"))
        .map(|line| {
            let cells: Vec<&str> = line.trim_matches('|').split(" | ").collect();
            assert_eq!(cells.len(), 4, "a row has four cells: {line}");
            Row {
                case: unquote(cells[0]),
                command: unquote(cells[1]),
                when: cells[2].trim().to_string(),
                message: unquote(cells[3]),
            }
        })
        .collect()
}

fn scratch(case: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("bad-input-{case}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    dir
}

/// A gzipped IDX file: `magic`, dimensions, then `data`.
fn write_idx(path: &Path, magic: u32, dimensions: &[u32], data: &[u8]) {
    use std::io::Write;
    let mut bytes = magic.to_be_bytes().to_vec();
    for d in dimensions {
        bytes.extend(d.to_be_bytes());
    }
    bytes.extend(data);
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(&bytes).expect("in memory");
    std::fs::write(path, encoder.finish().expect("in memory")).expect("a scratch file");
}

/// Links `name` in `dir` to the repository's MNIST file `target`.
fn link_mnist(dir: &Path, name: &str, target: &str) {
    std::os::unix::fs::symlink(mnist::default_dir().join(target), dir.join(name))
        .expect("a symlink");
}

nabla::network! {
    /// A network of another architecture than the headline one, with the same sizes.
    pub struct TanhNet: 784 => tanh 128 => softmax 10
}

/// Prepares `dir` for `case`.
fn fixture(case: &str, dir: &Path) {
    match case {
        "save-to-a-fifo" => {
            let made = Command::new("mkfifo").arg(dir.join("fifo")).status();
            assert!(made.is_ok_and(|s| s.success()), "mkfifo failed");
        }
        "save-into-a-missing-directory"
        | "lr-too-large"
        | "lr-absurd"
        | "adam-lr-1e9"
        | "early-stopping-patience-0"
        | "zero-threads"
        | "validation-without-early-stopping"
        | "validation-larger-than-the-training-set"
        | "figures-of-an-unknown-chapter"
        | "exercise-that-does-not-exist"
        | "watching-an-exercise-that-does-not-exist" => {}
        "figures-under-a-file" => std::fs::write(dir.join("file"), b"x").expect("a file"),
        "checkpoint-directory-reused" => {
            for name in ["epoch-001.safetensors", "epoch-001.optimizer.safetensors"] {
                std::fs::write(dir.join(name), b"an earlier run").expect("a file");
            }
        }
        "empty-test-set" => {
            link_mnist(dir, mnist::TRAIN_IMAGES, mnist::TRAIN_IMAGES);
            link_mnist(dir, mnist::TRAIN_LABELS, mnist::TRAIN_LABELS);
            write_idx(&dir.join(mnist::TEST_IMAGES), 0x803, &[0, 28, 28], &[]);
            write_idx(&dir.join(mnist::TEST_LABELS), 0x801, &[0], &[]);
        }
        "train-and-test-swapped" => {
            link_mnist(dir, mnist::TRAIN_IMAGES, mnist::TEST_IMAGES);
            link_mnist(dir, mnist::TRAIN_LABELS, mnist::TEST_LABELS);
            link_mnist(dir, mnist::TEST_IMAGES, mnist::TRAIN_IMAGES);
            link_mnist(dir, mnist::TEST_LABELS, mnist::TRAIN_LABELS);
        }
        "model-of-another-architecture" => {
            let network = TanhNet::<f32>::new(
                &mut <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(1),
            );
            nabla::model_file::save(dir.join("tanh.safetensors"), &network).expect("saved");
        }
        "image-too-large" => {
            std::fs::write(dir.join("huge.png"), png_header_only(25_000, 25_000)).expect("a file");
            save_headline_model(dir);
        }
        "gz-file-not-gzipped" => {
            link_mnist(dir, mnist::TRAIN_IMAGES, mnist::TRAIN_IMAGES);
            link_mnist(dir, mnist::TRAIN_LABELS, mnist::TRAIN_LABELS);
            link_mnist(dir, mnist::TEST_IMAGES, mnist::TEST_IMAGES);
            let mut plain = 0x801u32.to_be_bytes().to_vec();
            plain.extend(10_000u32.to_be_bytes());
            plain.extend(vec![0u8; 10_000]);
            std::fs::write(dir.join(mnist::TEST_LABELS), plain).expect("a file");
        }
        "save-through-a-symlink" => {
            std::fs::write(dir.join("real.safetensors"), b"an older model").expect("a file");
            std::os::unix::fs::symlink(dir.join("real.safetensors"), dir.join("link.safetensors"))
                .expect("a symlink");
        }
        "checkpoint-left-by-a-killed-run" => {
            std::fs::write(dir.join(".epoch-001.safetensors.4711-0.tmp"), b"half").expect("a file");
        }
        "resume-with-other-data" | "resume-from-a-damaged-checkpoint" => {
            let config = chapters::headline::RunConfig::default();
            let mut settings = chapters::headline::checkpoint_settings(&config).expect("settings");
            if case == "resume-with-other-data" {
                for (key, value) in &mut settings {
                    if key == "data" {
                        *value = "MNIST files with crc32 0x00000000".into();
                    }
                }
            }
            let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(config.seed);
            let network = chapters::headline::MnistNet::<f32>::new(&mut rng);
            let optimizer = nabla::optim::Adam::new(config.learning_rate);
            nabla::checkpoint::save(dir, 1, &network, &optimizer, &settings).expect("saved");
            if case == "resume-from-a-damaged-checkpoint" {
                let path = nabla::checkpoint::model_path(dir, 1);
                let mut bytes = std::fs::read(&path).expect("the checkpoint");
                let last = bytes.len() - 1;
                bytes[last] ^= 0x40; // a bit of the last weight flips
                std::fs::write(&path, bytes).expect("written back");
            }
        }
        other => panic!("the README's table has a case `{other}` without a fixture in this test"),
    }
}

/// A headline network with random weights, saved as `{dir}/model.safetensors`.
fn save_headline_model(dir: &Path) {
    let network = chapters::headline::MnistNet::<f32>::new(
        &mut <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(1),
    );
    nabla::model_file::save(dir.join("model.safetensors"), &network).expect("saved");
}

/// The signature, header and end of a PNG of `width × height` pixels, with no pixel data: a
/// reader that checks the size first refuses it, one that does not fails on the missing data.
fn png_header_only(width: u32, height: u32) -> Vec<u8> {
    let chunk = |kind: &[u8], data: &[u8]| {
        let mut bytes = (data.len() as u32).to_be_bytes().to_vec();
        bytes.extend(kind);
        bytes.extend(data);
        let mut crc = crc32fast::Hasher::new();
        crc.update(kind);
        crc.update(data);
        bytes.extend(crc.finalize().to_be_bytes());
        bytes
    };
    let mut header = width.to_be_bytes().to_vec();
    header.extend(height.to_be_bytes());
    header.extend([8, 0, 0, 0, 0]); // 8-bit grayscale, no interlacing
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(chunk(b"IHDR", &header));
    png.extend(chunk(b"IEND", &[]));
    png
}

/// Runs `command` (which starts with `nabla`), returning its exit code and everything printed.
fn run(command: &str) -> (Option<i32>, String, String) {
    let mut words = command.split_whitespace();
    assert_eq!(
        words.next(),
        Some("nabla"),
        "a command starts with `nabla`: {command}"
    );
    let output = Command::new(env!("CARGO_BIN_EXE_nabla"))
        .args(words)
        .output()
        .expect("the nabla binary runs");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Runs one row: what is wrong with it, if anything.
fn check(row: &Row) -> Option<String> {
    let dir = scratch(&row.case);
    fixture(&row.case, &dir);
    let dir = dir.display().to_string();
    let command = row.command.replace("{dir}", &dir);
    let message = row.message.replace("{dir}", &dir);
    let (code, stdout, stderr) = run(&command);
    let printed = format!("{stdout}{stderr}");
    // Warnings and notes are printed, and the run goes on.
    let warning = message.starts_with("warning:") || row.when.contains("a note");
    let trained = stdout.lines().any(|line| line.starts_with("epoch "));
    let problem = if !printed.contains(&message) {
        "does not print the message"
    } else if warning && code != Some(0) {
        "fails, but the row is a warning or a note"
    } else if !warning && !matches!(code, Some(1 | 2)) {
        "does not fail with exit code 1 or 2"
    } else if row.when == "before training" && !warning && trained {
        "trains before noticing"
    } else {
        return None;
    };
    Some(format!(
        "{}: `{command}` {problem} (exit code {code:?}); expected `{message}`\n\
         stdout:\n{stdout}\nstderr:\n{stderr}",
        row.case
    ))
}

#[test]
fn every_row_of_the_readmes_table_of_bad_input_is_what_nabla_does() {
    let rows = rows();
    assert!(rows.len() >= 8, "the table has only {} rows", rows.len());
    // The rows run side by side: most wait for a process that loads MNIST.
    let problems: Vec<String> = std::thread::scope(|scope| {
        let checks: Vec<_> = rows.iter().map(|row| scope.spawn(|| check(row))).collect();
        checks
            .into_iter()
            .filter_map(|check| check.join().expect("a row's check ran"))
            .collect()
    });
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn a_fifo_is_still_a_fifo_after_nabla_refused_to_save_to_it() {
    use std::os::unix::fs::FileTypeExt;
    let dir = scratch("fifo-survives");
    fixture("save-to-a-fifo", &dir);
    let fifo = dir.join("fifo");
    let (code, _, _) = run(&format!("nabla --epochs 1 --save {}", fifo.display()));
    assert_eq!(code, Some(1));
    let kind = std::fs::symlink_metadata(&fifo)
        .expect("still there")
        .file_type();
    assert!(kind.is_fifo(), "{kind:?}");
}
