//! Draws `tickring-sim race --json` results as a PNG bar chart: median
//! ticks/s by backend, grouped by scenario, with each backend's slowest and
//! fastest round as a whisker.
//!
//! ```sh
//! tickring-sim race --json > race.jsonl
//! cargo run --release -p tickring-tests --features plot --bin race-plot -- \
//!     race.jsonl docs/race.png
//! ```
//!
//! Text is drawn with DejaVu Sans from Debian's `fonts-dejavu-core` package
//! (`apt-get install fonts-dejavu-core`); `RACE_PLOT_FONT=/path/to/font.ttf`
//! picks another TrueType font.

use core::error::Error;
use std::path::Path;
use std::process::ExitCode;

use plotters::prelude::*;
use plotters::style::FontStyle;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Where Debian's fonts-dejavu-core puts its sans-serif font.
const DEFAULT_FONT: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
/// The picture's size in pixels.
const SIZE: (u32, u32) = (1100, 620);
/// Share of a scenario's width that its bars fill.
const GROUP_FILL: f64 = 0.84;

/// One line of `race --json`.
struct Entry {
    scenario: String,
    backend: String,
    median: f64,
    slowest: f64,
    fastest: f64,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let [_, input, output] = args.as_slice() else {
        eprintln!("usage: race-plot RACE_JSON_LINES OUTPUT_PNG");
        return ExitCode::from(2);
    };
    match run(Path::new(input), Path::new(output)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("race-plot: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run(input: &Path, output: &Path) -> Result<(), Box<dyn Error>> {
    let text = std::fs::read_to_string(input)
        .map_err(|error| format!("cannot read '{}': {error}", input.display()))?;
    let entries = parse(&text).map_err(|error| format!("{}: {error}", input.display()))?;
    load_font()?;
    draw(&entries, output)
}

/// Parses the JSON lines, in their order.
fn parse(text: &str) -> Result<Vec<Entry>, String> {
    let mut entries = Vec::new();
    for (index, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let at = |what: &str| format!("line {}: {what}", index + 1);
        let value: serde_json::Value =
            serde_json::from_str(line).map_err(|error| at(&error.to_string()))?;
        let field = |name: &str| {
            value[name]
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| at(&format!("no string field '{name}'")))
        };
        let rounds: Vec<f64> = value["rounds_ticks_per_s"]
            .as_array()
            .ok_or_else(|| at("no array 'rounds_ticks_per_s'"))?
            .iter()
            .filter_map(serde_json::Value::as_f64)
            .collect();
        entries.push(Entry {
            scenario: field("scenario")?,
            backend: field("backend")?,
            median: value["median_ticks_per_s"]
                .as_f64()
                .ok_or_else(|| at("no number 'median_ticks_per_s'"))?,
            slowest: rounds.iter().copied().fold(f64::INFINITY, f64::min),
            fastest: rounds.iter().copied().fold(0.0, f64::max),
        });
    }
    if entries.is_empty() {
        return Err("no results".into());
    }
    Ok(entries)
}

/// Registers the TrueType font that every label uses.
fn load_font() -> Result<(), Box<dyn Error>> {
    let path = std::env::var("RACE_PLOT_FONT").unwrap_or_else(|_| DEFAULT_FONT.to_owned());
    let bytes = std::fs::read(&path).map_err(|error| {
        format!(
            "cannot read the font '{path}': {error} (install Debian's fonts-dejavu-core \
             or set RACE_PLOT_FONT)"
        )
    })?;
    // Fonts are registered for the life of the process.
    let bytes: &'static [u8] = Vec::leak(bytes);
    plotters::style::register_font("sans-serif", FontStyle::Normal, bytes)
        .map_err(|_| format!("'{path}' is not a TrueType font"))?;
    Ok(())
}

/// Values in first-seen order without repeats.
fn distinct<'a>(values: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut seen: Vec<&str> = Vec::new();
    for value in values {
        if !seen.contains(&value) {
            seen.push(value);
        }
    }
    seen
}

fn draw(entries: &[Entry], output: &Path) -> Result<(), Box<dyn Error>> {
    let scenarios = distinct(entries.iter().map(|e| e.scenario.as_str()));
    let backends = distinct(entries.iter().map(|e| e.backend.as_str()));
    let top = entries
        .iter()
        .map(|e| e.fastest.max(e.median))
        .fold(0.0, f64::max)
        / 1e6;
    let y_max = (top * 1.15).max(1.0);

    let root = BitMapBackend::new(output, SIZE).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            "tickring-sim race: median ticks/s (whiskers: slowest and fastest round)",
            ("sans-serif", 22),
        )
        .margin(14)
        .x_label_area_size(36)
        .y_label_area_size(70)
        .build_cartesian_2d(0.0..scenarios.len() as f64, 0.0..y_max)?;
    let scenario_names = scenarios.clone();
    chart
        .configure_mesh()
        .disable_x_mesh()
        .y_max_light_lines(1)
        .x_labels(scenarios.len() * 2 + 1)
        .x_label_formatter(&|x| {
            // Label only the centre of each scenario's group.
            let centre = x - x.floor();
            let index = x.floor() as usize;
            match scenario_names.get(index) {
                Some(name) if (centre - 0.5).abs() < 1e-9 => (*name).to_owned(),
                _ => String::new(),
            }
        })
        .y_desc("million ticks/s")
        .label_style(("sans-serif", 15))
        .axis_desc_style(("sans-serif", 16))
        .draw()?;

    // Each scenario's bars sit side by side in the order of the backends it
    // has; a backend keeps its colour in every scenario.
    let in_scenario = |scenario: &str| -> Vec<&str> {
        distinct(
            entries
                .iter()
                .filter(|e| e.scenario == scenario)
                .map(|e| e.backend.as_str()),
        )
    };
    let widest = scenarios
        .iter()
        .map(|s| in_scenario(s).len())
        .max()
        .unwrap_or(1);
    let bar = GROUP_FILL / widest as f64;
    for (colour_index, backend) in backends.iter().enumerate() {
        let colour = Palette99::pick(colour_index).to_rgba();
        let rows: Vec<(f64, &Entry)> = entries
            .iter()
            .filter(|e| e.backend == *backend)
            .filter_map(|e| {
                let group = scenarios.iter().position(|s| *s == e.scenario)?;
                let present = in_scenario(&e.scenario);
                let slot = present.iter().position(|b| b == backend)?;
                let used = present.len() as f64 * bar;
                Some((group as f64 + (1.0 - used) / 2.0 + slot as f64 * bar, e))
            })
            .collect();

        chart
            .draw_series(rows.iter().map(|&(left, e)| {
                let right = left + bar * 0.9;
                Rectangle::new([(left, 0.0), (right, e.median / 1e6)], colour.filled())
            }))?
            .label(*backend)
            .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 14, y + 6)], colour.filled()));
        chart.draw_series(rows.iter().map(|&(left, e)| {
            let middle = left + bar * 0.45;
            PathElement::new(
                vec![(middle, e.slowest / 1e6), (middle, e.fastest / 1e6)],
                BLACK.stroke_width(2),
            )
        }))?;
        let label_style = ("sans-serif", 13)
            .into_font()
            .color(&BLACK)
            .pos(Pos::new(HPos::Center, VPos::Bottom));
        chart.draw_series(rows.iter().map(|&(left, e)| {
            let label = format!("{:.1}", e.median / 1e6);
            let top = e.fastest.max(e.median) / 1e6 + y_max * 0.005;
            Text::new(label, (left + bar * 0.45, top), label_style.clone())
        }))?;
    }

    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .label_font(("sans-serif", 15))
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(())
}
