//! Reads a file line by line into a fixed buffer, so that replaying never
//! allocates after start-up.

use std::io::{self, BufRead, BufReader, Read};

/// The longest line accepted, in bytes, not counting its line ending. Real
/// LOBSTER lines are under 60 bytes.
pub(crate) const MAX_LINE: usize = 1024;

/// Bytes read from the file at a time.
const READ_BUFFER: usize = 64 * 1024;

/// What went wrong reading a line (as opposed to parsing it).
#[derive(Debug)]
pub(crate) enum ReadError {
    /// The line is longer than [`MAX_LINE`] bytes.
    TooLong,
    /// The file could not be read.
    Io(io::Error),
}

/// A line reader with a buffer of [`MAX_LINE`] bytes that never grows.
pub(crate) struct LineReader<R> {
    input: BufReader<R>,
    line: Vec<u8>,
    /// The 1-based number of the line last returned.
    number: u64,
}

impl<R: Read> LineReader<R> {
    /// A reader of `input` positioned before its first line.
    pub(crate) fn new(input: R) -> Self {
        Self {
            input: BufReader::with_capacity(READ_BUFFER, input),
            line: Vec::with_capacity(MAX_LINE),
            number: 0,
        }
    }

    /// The 1-based number of the line last returned (or being read when an
    /// error came back).
    pub(crate) fn line_number(&self) -> u64 {
        self.number
    }

    /// The next line without its `\n` or `\r\n`, with its 1-based number, or
    /// `None` at the end of the file. A last line without a line ending is
    /// returned like any other.
    pub(crate) fn next_line(&mut self) -> Result<Option<(u64, &[u8])>, ReadError> {
        self.line.clear();
        let mut too_long = false;
        let mut read_any = false;
        loop {
            let available = match self.input.fill_buf() {
                Ok(bytes) => bytes,
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                Err(error) => {
                    self.number += 1;
                    return Err(ReadError::Io(error));
                }
            };
            if available.is_empty() {
                break;
            }
            read_any = true;
            let (chunk, used, ended) = match available.iter().position(|&b| b == b'\n') {
                Some(end) => (&available[..end], end + 1, true),
                None => (available, available.len(), false),
            };
            let room = MAX_LINE + 1 - self.line.len().min(MAX_LINE + 1);
            if chunk.len() > room {
                too_long = true;
            }
            if !too_long {
                self.line.extend_from_slice(chunk);
            }
            self.input.consume(used);
            if ended {
                break;
            }
        }
        if !read_any {
            return Ok(None);
        }
        self.number += 1;
        if self.line.last() == Some(&b'\r') {
            self.line.pop();
        }
        if too_long || self.line.len() > MAX_LINE {
            return Err(ReadError::TooLong);
        }
        Ok(Some((self.number, &self.line)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &[u8]) -> Vec<Result<String, String>> {
        let mut reader = LineReader::new(text);
        let mut out = Vec::new();
        loop {
            match reader.next_line() {
                Ok(Some((_, line))) => out.push(Ok(String::from_utf8_lossy(line).into_owned())),
                Ok(None) => return out,
                Err(error) => out.push(Err(format!("{}: {error:?}", reader.line_number()))),
            }
        }
    }

    #[test]
    fn lf_crlf_and_a_missing_last_line_ending() {
        assert_eq!(
            lines(b"a,1\r\nb,2\nc,3"),
            [Ok("a,1".into()), Ok("b,2".into()), Ok("c,3".into())]
        );
        assert_eq!(lines(b"x\n"), [Ok("x".into())]);
        assert_eq!(lines(b""), []);
        assert_eq!(lines(b"\n\n"), [Ok(String::new()), Ok(String::new())]);
    }

    #[test]
    fn an_overlong_line_is_an_error_and_reading_goes_on_after_it() {
        let mut text = vec![b'x'; MAX_LINE + 1];
        text.extend_from_slice(b"\nok\n");
        let read = lines(&text);
        assert!(
            matches!(&read[0], Err(e) if e.starts_with("1: TooLong")),
            "{read:?}"
        );
        assert_eq!(read[1], Ok("ok".into()));

        let mut exact = vec![b'y'; MAX_LINE];
        exact.extend_from_slice(b"\r\n");
        assert_eq!(lines(&exact)[0].as_ref().map(String::len), Ok(MAX_LINE));
    }

    #[test]
    fn lines_split_across_reads_are_joined() {
        // A reader that hands out one byte at a time.
        struct Trickle<'a>(&'a [u8]);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let Some((&first, rest)) = self.0.split_first() else {
                    return Ok(0);
                };
                buf[0] = first;
                self.0 = rest;
                Ok(1)
            }
        }
        let mut reader = LineReader::new(Trickle(b"34200.1,4\r\nend"));
        assert_eq!(reader.next_line().unwrap(), Some((1, &b"34200.1,4"[..])));
        assert_eq!(reader.next_line().unwrap(), Some((2, &b"end"[..])));
        assert_eq!(reader.next_line().unwrap(), None);
        assert_eq!(reader.line_number(), 2);
    }
}
