// Registration confirmations: rendered by `kiosk confirmations`, rasterised like a printout or a
// phone screen, scanned by the kiosk's decoder, checked in by the core.
#include "badge_fixture.hpp"

using namespace kiosk;
using namespace badge_test;

TEST_CASE("confirmation round trip: kiosk confirmations -> pdftoppm -> scanner -> checkIn is checked_in") {
    DemoDb demo;
    auto all = demo.db.attendees();
    REQUIRE(all.ok());
    TempDir out;
    int status = -1;
    const std::string summary = run(std::string(KIOSK_EXE) + " confirmations --db " +
                                        quote(demo.path().string()) + " --out " + quote(out.path.string()),
                                    &status);
    REQUIRE(status == 0);
    CHECK(summary.find("confirmations: ") != std::string::npos);
    size_t registered = 0;
    for (const auto& a : *all) registered += a.status == core::AttendeeStatus::Registered;
    size_t files = 0;
    for (const auto& e : fs::directory_iterator(out.path)) files += e.path().extension() == ".pdf";
    CHECK(files == registered);

    // One attendee per language: the instructions are theirs, the QR code is their own payload.
    const std::pair<core::Language, std::string> expected[] = {
        {core::Language::Fr, "Présentez ce code à l’entrée"},
        {core::Language::Nl, "Toon deze code aan de ingang"},
        {core::Language::En, "Show this code at the entrance"},
    };
    for (const auto& [lang, phrase] : expected) {
        const core::Attendee* who = nullptr;
        for (const auto& a : *all)
            if (a.language == lang && a.status == core::AttendeeStatus::Registered) {
                who = &a;
                break;
            }
        REQUIRE(who != nullptr);
        const fs::path file = out.path / ("confirmation-" + who->id + ".pdf");
        REQUIRE(fs::exists(file));
        const auto [w, h] = pageSizePt(file);
        CHECK(w == doctest::Approx(595.3).epsilon(0.002));
        CHECK(h == doctest::Approx(841.9).epsilon(0.002));
        const std::string text = squash(run("pdftotext -enc UTF-8 " + quote(file.string()) + " -"));
        CHECK_MESSAGE(text.find(squash(who->displayName())) != std::string::npos, text);
        CHECK_MESSAGE(text.find(phrase) != std::string::npos, text);
        CHECK(text.find("2018") != std::string::npos);  // the event's date

        // 100 dpi is a phone screen or a cheap printout, not a lab scan.
        auto payload = decodeQrFromPdf(file, 100);
        REQUIRE_MESSAGE(payload.has_value(), "no QR decoded from " << file);
        core::ScanRequest req;
        req.payload = *payload;
        req.kiosk = "entrance-1";
        req.at = core::nowUtc();
        auto result = demo.db.checkIn(req);
        REQUIRE_MESSAGE(result.ok(), result.error().message);
        CHECK(result->outcome == core::Outcome::CheckedIn);
        REQUIRE(result->attendee.has_value());
        CHECK(result->attendee->id == who->id);
        // The same paper a second time is refused as already checked in.
        req.nonce.clear();
        auto again = demo.db.checkIn(req);
        REQUIRE(again.ok());
        CHECK(again->outcome == core::Outcome::AlreadyCheckedIn);
    }
}

TEST_CASE("confirmation of a name no font covers still renders and says so") {
    printing::BadgeContent c;
    c.attendeeId = "cjk-1";
    c.firstName = "明";
    c.lastName = "王";
    c.displayName = "王明 (Wang Ming)";
    c.language = core::Language::En;
    c.qrPayload = "TEST-CJK-PAYLOAD";
    c.eventName = "RRBSI 2018";
    c.eventDate = "16 March 2018";
    auto pdf = printing::sharedRenderer().renderConfirmation(c);
    REQUIRE_MESSAGE(pdf.ok(), pdf.error().message);
    bool warned = false;
    for (const auto& w : pdf->warnings) warned = warned || w.code == "badge.unsupported_script";
    CHECK(warned);
    TempDir out;
    writeFile(out.path / "c.pdf", pdf->bytes);
    const std::string text = run("pdftotext -enc UTF-8 " + quote((out.path / "c.pdf").string()) + " -");
    CHECK(text.find("(Wang Ming)") != std::string::npos);
    CHECK(text.find("王") == std::string::npos);
    auto payload = decodeQrFromPdf(out.path / "c.pdf", 100);
    REQUIRE(payload.has_value());
    CHECK(*payload == "TEST-CJK-PAYLOAD");
}
