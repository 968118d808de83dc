#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| selfeval_fuzz::one(selfeval::fuzzing::Target::Report, data));
