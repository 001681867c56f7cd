// The badge's page size goes to CUPS with every job (IPP "media"): cups-pdf used to put an A6
// badge in the middle of an A4 page. Checked through the real cups-pdf queue with pdfinfo.
#include "printer_fixture.hpp"

using namespace printer_test;
using kiosk::core::PrintJobState;
using kiosk::printing::PrintEvent;
using kiosk::printing::PrintService;

namespace {

bool finished(const PrintEvent& e) {
    return e.state == PrintJobState::Printed || e.state == PrintJobState::Failed ||
           e.state == PrintJobState::Held;
}

/// Page size of page 1 in points, from pdfinfo.
std::pair<double, double> pageSize(const fs::path& pdf) {
    const std::string info = run("pdfinfo '" + pdf.string() + "'").out;
    const auto at = info.find("Page size:");
    REQUIRE_MESSAGE(at != std::string::npos, info);
    double w = 0, h = 0;
    REQUIRE(std::sscanf(info.c_str() + at, "Page size: %lf x %lf", &w, &h) == 2);
    return {w, h};
}

/// Prints the test attendee's badge with this template and media option; the page cups-pdf wrote.
std::pair<double, double> printedSize(const std::string& templateName, const std::string& media = {}) {
    TestQueue tq;
    TestDb t;
    auto o = serviceOptions(t, tq.name);
    o.templateName = templateName;
    o.media = media;
    PrintService service(o);
    service.submitBadge(t.person.id, t.checkinId);
    std::vector<PrintEvent> seen;
    auto done = waitFor(service, seen, "", finished);
    REQUIRE(done);
    REQUIRE_MESSAGE(done->state == PrintJobState::Printed, done->errorCode << " " << done->errorText);
    const auto files = outputsFor(kiosk::printing::jobTitle(done->jobId));
    REQUIRE(files.size() == 1);
    return pageSize(files.front());
}

constexpr double kPt = 72.0 / 25.4;

}  // namespace

TEST_CASE("printer media: the PWG name of each badge size") {
    using kiosk::printing::pwgMediaName;
    CHECK(pwgMediaName(105, 148) == "iso_a6_105x148mm");
    CHECK(pwgMediaName(74, 105) == "iso_a7_74x105mm");
    CHECK(pwgMediaName(101.6, 152.4) == "na_index-4x6_4x6in");
    const std::string roll = pwgMediaName(62, 100);
    CHECK_MESSAGE(roll.rfind("custom_", 0) == 0, roll);
    CHECK_MESSAGE(roll.find("62") != std::string::npos, roll);
}

TEST_CASE("printer media: an A6 badge comes out of cups-pdf as an A6 page, not centred on A4") {
    if (!ensureCups()) return;
    const auto [w, h] = printedSize("default");
    CHECK(w == doctest::Approx(105 * kPt).epsilon(0.01));
    CHECK(h == doctest::Approx(148 * kPt).epsilon(0.01));
}

TEST_CASE("printer media: a 62 mm label (a custom size) comes out at 62 x 100 mm") {
    if (!ensureCups()) return;
    const auto [w, h] = printedSize("62mm");
    CHECK(w == doctest::Approx(62 * kPt).epsilon(0.01));
    CHECK(h == doctest::Approx(100 * kPt).epsilon(0.01));
}

TEST_CASE("printer media: --media queue leaves the queue's own paper (A4 on cups-pdf)") {
    if (!ensureCups()) return;
    const auto [w, h] = printedSize("default", "queue");
    CHECK(w == doctest::Approx(210 * kPt).epsilon(0.01));
    CHECK(h == doctest::Approx(297 * kPt).epsilon(0.01));
}
