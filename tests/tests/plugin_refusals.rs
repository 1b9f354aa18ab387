//! Every reason the loader refuses a file, tested with real files: each refusal is a `plugin`
//! error whose code names the check and whose message names the file.

mod plugin_support;

use std::path::Path;

use plugin_support::{
    canadapost_plugin, constant_server, faulty_example, faulty_panic_abort, scratch_dir,
    system_library,
};
use serde_json::json;
use shipmux_core::plugin::{ABI_MAJOR, ABI_MINOR, BUILD_TARGET, PanicStrategy, V1_0_STRUCT_SIZE};
use shipmux_core::{Address, Carrier, ErrorKind, Parcel, RateRequest, Weight};
use shipmux_host::plugin::{Plugin, Refusal, inspect, scan};
use shipmux_host::{HttpCarrier, HttpDriver};

fn refused(path: &Path) -> (Refusal, String) {
    let e = Plugin::load(path).expect_err("the loader must refuse this file");
    assert_eq!(e.kind, ErrorKind::Plugin, "{e}");
    assert!(
        e.message.contains(&path.display().to_string()),
        "the refusal must name the file: {e}"
    );
    let refusal = Refusal::of(&e).unwrap_or_else(|| panic!("not a refusal code: {e}"));
    (refusal, e.message)
}

#[test]
fn a_good_plugin_reports_its_manifest() {
    let manifest = inspect(canadapost_plugin()).expect("Canada Post loads");
    assert_eq!(manifest.name, "shipmux-canadapost");
    assert_eq!(manifest.abi_major, ABI_MAJOR);
    assert_eq!(manifest.target, BUILD_TARGET);
    assert_eq!(manifest.panic, PanicStrategy::Unwind);
    assert!(manifest.rustc.starts_with("rustc "), "{}", manifest.rustc);
}

#[test]
fn an_ordinary_library_without_the_symbol_is_refused() {
    let (r, message) = refused(&faulty_example("no_symbol"));
    assert_eq!(r, Refusal::MissingSymbol);
    assert!(message.contains("shipmux_plugin_v1"), "{message}");
    match system_library() {
        Some(lib) => assert_eq!(refused(&lib).0, Refusal::MissingSymbol),
        None => eprintln!("note: no system libm found; skipped the system-library case"),
    }
}

#[test]
fn a_file_that_is_not_a_library_is_refused() {
    let dir = scratch_dir("not-a-library");
    let fake = dir.join(shipmux_host::plugin::dylib_file_name("fake"));
    std::fs::write(&fake, "this is a text file, not ELF\n").unwrap();
    let (r, message) = refused(&fake);
    assert_eq!(r, Refusal::NotALibrary);
    assert!(message.contains("not a loadable library"), "{message}");
    assert_eq!(refused(&dir.join("missing.so")).0, Refusal::MissingFile);
}

#[test]
fn another_abi_major_is_refused() {
    let (r, message) = refused(&faulty_example("wrong_abi_major"));
    assert_eq!(r, Refusal::AbiMajor);
    assert!(message.contains("ABI 2."), "{message}");
}

#[test]
fn a_newer_abi_minor_is_refused() {
    let (r, message) = refused(&faulty_example("newer_abi_minor"));
    assert_eq!(r, Refusal::AbiMinor);
    assert!(message.contains("upgrade shipmux"), "{message}");
}

#[test]
fn a_table_smaller_than_its_version_is_refused() {
    let (r, message) = refused(&faulty_example("wrong_struct_size"));
    assert_eq!(r, Refusal::StructSize);
    assert!(message.contains("16 bytes"), "{message}");
    // A table that says 1.1 but is only as large as 1.0's: its `call_framed` is not there.
    let (r, message) = refused(&faulty_example("short_minor_table"));
    assert_eq!(r, Refusal::StructSize);
    assert!(
        message.contains(&format!("{V1_0_STRUCT_SIZE} bytes")) && message.contains("ABI 1.1"),
        "{message}"
    );
}

#[tokio::test]
async fn an_older_abi_minor_loads_and_is_called_with_plain_json() {
    let older = Plugin::load(faulty_example("older_abi_minor")).expect("an older minor loads");
    assert_eq!(older.abi_minor(), 0);
    assert_eq!(older.manifest().abi_minor, 0);
    assert!(!older.uses_frames());
    let current = Plugin::load(faulty_example("faulty")).expect("loads");
    assert_eq!(current.abi_minor(), ABI_MINOR);
    assert!(current.uses_frames());

    // Both quote the same through HttpCarrier; the older one through 1.0's `call`.
    let server = constant_server("12.50").await;
    for plugin in [older, current] {
        let protocol = plugin
            .instantiate(&json!({"carrier": "faulty", "base_url": server, "mode": "ok"}))
            .expect("instantiates");
        let carrier = HttpCarrier::new(protocol, HttpDriver::new().unwrap());
        let request = RateRequest::new(
            Address::new("CA", "K1G3H7"),
            Address::new("CA", "H4T1Z6"),
            vec![Parcel::new(Weight::kg(2.into()))],
        )
        .unwrap();
        let rates = carrier.quote(&request).await.expect("quotes");
        assert_eq!(rates[0].total.amount.to_string(), "12.50");
        // Errors and garbage still cross the older ABI the same way.
        let protocol = plugin
            .instantiate(&json!({"base_url": server, "mode": "wrong_shape"}))
            .unwrap();
        let e = HttpCarrier::new(protocol, HttpDriver::new().unwrap())
            .quote(&request)
            .await
            .unwrap_err();
        assert_eq!(e.code.as_deref(), Some("bad_output"), "{e}");
    }
}

#[test]
fn another_target_is_refused() {
    let (r, message) = refused(&faulty_example("wrong_target"));
    assert_eq!(r, Refusal::Target);
    assert!(message.contains("riscv64gc-unknown-none-elf"), "{message}");
}

#[test]
fn an_unreadable_manifest_is_refused() {
    assert_eq!(
        refused(&faulty_example("garbage_manifest")).0,
        Refusal::Manifest
    );
}

#[test]
fn a_panic_abort_build_is_refused() {
    let (r, message) = refused(&faulty_panic_abort());
    assert_eq!(r, Refusal::PanicAbort);
    assert!(message.contains("panic=abort"), "{message}");
    // The same crate built normally loads.
    assert!(Plugin::load(faulty_example("faulty")).is_ok());
}

#[test]
fn scanning_a_folder_loads_the_good_and_names_the_bad() {
    let dir = scratch_dir("scan");
    let name = shipmux_host::plugin::dylib_file_name;
    std::fs::copy(canadapost_plugin(), dir.join(name("a_canadapost"))).unwrap();
    std::fs::copy(faulty_example("wrong_abi_major"), dir.join(name("b_old"))).unwrap();
    std::fs::write(dir.join(name("c_text")), "not a library").unwrap();
    std::fs::write(dir.join("README.txt"), "ignored: not a library extension").unwrap();
    let results = scan(&dir).expect("the folder is readable");
    assert_eq!(results.len(), 3, "only library files are tried");
    assert_eq!(
        results[0].as_ref().unwrap().manifest().name,
        "shipmux-canadapost"
    );
    let b = results[1].as_ref().unwrap_err();
    assert_eq!(Refusal::of(b), Some(Refusal::AbiMajor));
    assert!(b.message.contains("b_old"), "{b}");
    let c = results[2].as_ref().unwrap_err();
    assert_eq!(Refusal::of(c), Some(Refusal::NotALibrary));
    assert!(c.message.contains("c_text"), "{c}");

    let e = scan(dir.join("no-such-folder")).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Config);
}
