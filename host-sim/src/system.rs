//! Process figures from Linux's `/proc/self/status`: peak resident memory
//! and thread count. On systems without `/proc` they are `None` and the
//! report says "n/a".

/// What `/proc/self/status` says about this process.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct ProcessFigures {
    /// Peak resident set size (`VmHWM`), in bytes.
    pub(crate) peak_rss_bytes: Option<u64>,
    /// Threads in the process (`Threads`).
    pub(crate) threads: Option<u64>,
}

/// Reads this process's figures now.
pub(crate) fn process_figures() -> ProcessFigures {
    std::fs::read_to_string("/proc/self/status")
        .map(|status| parse_status(&status))
        .unwrap_or_default()
}

fn parse_status(status: &str) -> ProcessFigures {
    let mut figures = ProcessFigures::default();
    for line in status.lines() {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        match key {
            "VmHWM" => {
                figures.peak_rss_bytes = value
                    .strip_suffix("kB")
                    .and_then(|kib| kib.trim().parse::<u64>().ok())
                    .map(|kib| kib * 1024);
            }
            "Threads" => figures.threads = value.parse().ok(),
            _ => {}
        }
    }
    figures
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_peak_rss_in_bytes_and_threads() {
        let status = "Name:\ttickring-sim\nVmPeak:\t  10000 kB\nVmHWM:\t    2964 kB\n\
                      VmRSS:\t    2900 kB\nThreads:\t6\n";
        assert_eq!(
            parse_status(status),
            ProcessFigures {
                peak_rss_bytes: Some(2964 * 1024),
                threads: Some(6)
            }
        );
        assert_eq!(parse_status(""), ProcessFigures::default());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn this_process_has_figures() {
        let figures = process_figures();
        assert!(figures.peak_rss_bytes.unwrap() > 0);
        assert!(figures.threads.unwrap() >= 1);
    }
}
