use std::process::ExitCode;

fn main() -> ExitCode {
    let status = vigie::run(std::env::args_os());
    ExitCode::from(status as u8)
}
