//! The README's coverage table is the one the code produces.

#[test]
fn readme_coverage_table_matches_the_dispatch_tables() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme
        .find("<!-- coverage:start -->\n")
        .expect("start marker")
        + "<!-- coverage:start -->\n".len();
    let end = readme.find("<!-- coverage:end -->").expect("end marker");
    assert_eq!(
        &readme[start..end],
        iamd::coverage::markdown(),
        "regenerate with `cargo run -q -- coverage` and paste between the markers"
    );
}

#[test]
fn every_action_of_the_model_is_known_by_name() {
    assert_eq!(iamd::iam::IamAction::ALL.len(), 181);
    assert_eq!(iamd::sts::StsAction::ALL.len(), 12);
    assert_eq!(
        iamd::iam::IamAction::from_name("CreateUser").map(|a| a.as_str()),
        Some("CreateUser")
    );
    assert_eq!(iamd::sts::StsAction::from_name("createuser"), None);
}
