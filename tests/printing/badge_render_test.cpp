// Badges as a user checks them: text through pdftotext, page sizes through pdfinfo, the QR code
// rasterised with pdftoppm and decoded by the kiosk's own scanner.
#include "badge_fixture.hpp"

#include <set>

using namespace kiosk;
using namespace badge_test;

TEST_CASE("demo badges: pdftotext finds every attendee's name exactly - diacritics included") {
    DemoDb demo;
    auto all = demo.db.attendees();
    REQUIRE(all.ok());
    REQUIRE(all->size() >= 50);
    TempDir out;
    auto& renderer = printing::sharedRenderer();
    auto tpl = renderer.loadTemplate("default");
    REQUIRE_MESSAGE(tpl.ok(), tpl.error().message);
    int nonAscii = 0;
    for (const auto& a : *all) {
        auto content = printing::badgeContentFor(demo.db, a.id);
        REQUIRE_MESSAGE(content.ok(), content.error().message);
        auto pdf = renderer.renderBadge(*content, *tpl);
        REQUIRE_MESSAGE(pdf.ok(), pdf.error().message);
        for (const auto& w : pdf->warnings) CHECK_MESSAGE(w.code != "badge.unsupported_script", w.message);
        writeFile(out.path / (a.id + ".pdf"), pdf->bytes);
    }
    // One shell for all files: the check is pdftotext's view, the loop only saves process starts.
    const std::string all_text =
        run("cd " + quote(out.path.string()) +
            " && for f in *.pdf; do printf '\\n@@%s\\n' \"$f\"; pdftotext -enc UTF-8 \"$f\" -; done");
    for (const auto& a : *all) {
        const auto at = all_text.find("@@" + a.id + ".pdf");
        REQUIRE_MESSAGE(at != std::string::npos, a.id);
        const auto end = all_text.find("\n@@", at + 2);
        const std::string text =
            squash(all_text.substr(at, end == std::string::npos ? std::string::npos : end - at));
        const std::string name = squash(a.displayName());
        CHECK_MESSAGE(text.find(name) != std::string::npos, "name '" << name << "' not in: " << text);
        if (!a.organisation.empty())
            CHECK_MESSAGE(text.find(squash(a.organisation)) != std::string::npos, a.organisation);
        for (unsigned char c : name) nonAscii += c >= 0x80;
    }
    CHECK(nonAscii > 10);  // the demo has accented names; otherwise this test proves little
}

TEST_CASE("badge text is in the attendee's language where it is not a name") {
    auto& renderer = printing::sharedRenderer();
    auto tpl = renderer.loadTemplate("default");
    REQUIRE(tpl.ok());
    printing::BadgeContent c;
    c.attendeeId = "t1";
    c.firstName = "Jan";
    c.lastName = "Peeters";
    c.displayName = "Jan Peeters";
    c.category = "speaker";
    c.workingGroup = "Klimaat";
    c.qrPayload = "TEST-PAYLOAD";
    TempDir out;
    const std::pair<core::Language, std::string> cases[] = {{core::Language::Fr, "INTERVENANT·E"},
                                                            {core::Language::Nl, "SPREKER"},
                                                            {core::Language::En, "SPEAKER"}};
    for (const auto& [lang, expected] : cases) {
        c.language = lang;
        auto pdf = renderer.renderBadge(c, *tpl);
        REQUIRE(pdf.ok());
        writeFile(out.path / "b.pdf", pdf->bytes);
        const std::string text = run("pdftotext -enc UTF-8 " + quote((out.path / "b.pdf").string()) + " -");
        CHECK_MESSAGE(text.find(expected) != std::string::npos, text);
        CHECK(text.find(printing::label("label.working_group", lang)) != std::string::npos);
    }
}

TEST_CASE("every paper size comes out at its real size") {
    TempDir out;
    auto& renderer = printing::sharedRenderer();
    printing::BadgeContent c;
    c.attendeeId = "p1";
    c.displayName = "Zoë Dvořák";
    c.lastName = "Dvořák";
    c.organisation = "Réseau bruxellois";
    c.category = "participant";
    c.qrPayload = "RRBSI-2018-ATT-0001";
    const auto names = printing::templateNames();
    std::set<std::string> papers;
    for (const auto& name : names) {
        auto tpl = renderer.loadTemplate(name);
        REQUIRE_MESSAGE(tpl.ok(), name << ": " << tpl.error().message);
        auto pdf = renderer.renderBadge(c, *tpl);
        REQUIRE_MESSAGE(pdf.ok(), name << ": " << pdf.error().message);
        const fs::path file = out.path / (name + ".pdf");
        writeFile(file, pdf->bytes);
        const auto [w, h] = pageSizePt(file);
        CHECK_MESSAGE(std::abs(w - tpl->widthMm * 72 / 25.4) < 0.6, name);
        CHECK_MESSAGE(std::abs(h - tpl->heightMm * 72 / 25.4) < 0.6, name);
        papers.insert(tpl->paper);
    }
    for (const char* p : {"a6", "a7", "cr80", "4x3in", "62mm", "4x6in"})
        CHECK_MESSAGE(papers.count(p) == 1, p);
    // Known sizes against the standards, not against our own table.
    CHECK(printing::paperSize("a6")->widthMm == doctest::Approx(105));
    CHECK(printing::paperSize("cr80")->heightMm == doctest::Approx(85.6));
    CHECK(printing::paperSize("4x6in")->heightMm == doctest::Approx(152.4));
}

TEST_CASE("A4 sheets: 4×A6 and 8×A7 per page - A4 pages - every name present") {
    TempDir out;
    auto& renderer = printing::sharedRenderer();
    std::vector<printing::BadgeContent> cs;
    for (int i = 0; i < 9; ++i) {
        printing::BadgeContent c;
        c.attendeeId = "s" + std::to_string(i);
        c.lastName = "Ødegård" + std::to_string(i);
        c.displayName = "Åsa Ødegård" + std::to_string(i);
        c.category = "participant";
        c.qrPayload = "SHEET-" + std::to_string(i);
        cs.push_back(c);
    }
    for (auto [layout, name, pages] : {std::tuple{printing::SheetLayout::A4_4xA6, "default", 3},
                                       std::tuple{printing::SheetLayout::A4_8xA7, "a7", 2}}) {
        auto tpl = renderer.loadTemplate(name);
        REQUIRE(tpl.ok());
        auto pdf = renderer.renderSheets(cs, *tpl, layout);
        REQUIRE_MESSAGE(pdf.ok(), pdf.error().message);
        CHECK(pdf->pages == pages);
        const fs::path file = out.path / (std::string(name) + "-sheet.pdf");
        writeFile(file, pdf->bytes);
        const auto [w, h] = pageSizePt(file);
        CHECK(w == doctest::Approx(595.3).epsilon(0.002));
        CHECK(h == doctest::Approx(841.9).epsilon(0.002));
        const std::string info = run("pdfinfo " + quote(file.string()));
        const auto at = info.find("Pages:");
        REQUIRE(at != std::string::npos);
        CHECK(std::atoi(info.c_str() + at + 6) == pages);
        const std::string text = squash(run("pdftotext -enc UTF-8 " + quote(file.string()) + " -"));
        for (const auto& c : cs) CHECK_MESSAGE(text.find(c.displayName) != std::string::npos, c.displayName);
    }
}

TEST_CASE("rasterised badge QR codes decode to the attendee's payload") {
    DemoDb demo;
    auto all = demo.db.attendees();
    REQUIRE(all.ok());
    TempDir out;
    auto& renderer = printing::sharedRenderer();
    for (const char* name : {"default", "a7", "cr80", "62mm", "4x3in", "4x6in"}) {
        const auto& a = (*all)[static_cast<size_t>(std::string(name).size()) * 7 % all->size()];
        auto tpl = renderer.loadTemplate(name);
        REQUIRE(tpl.ok());
        auto content = printing::badgeContentFor(demo.db, a.id);
        REQUIRE(content.ok());
        auto pdf = renderer.renderBadge(*content, *tpl);
        REQUIRE(pdf.ok());
        const fs::path file = out.path / (std::string(name) + ".pdf");
        writeFile(file, pdf->bytes);
        auto text = decodeQrFromPdf(file, 200);
        REQUIRE_MESSAGE(text.has_value(), "no QR decoded from the " << name << " badge");
        auto code = demo.db.primaryCode(a.id);
        REQUIRE(code.ok());
        CHECK(*text == *code);
    }
}

TEST_CASE("CLI: kiosk badge by attendee and by code - kiosk badges to files and sheets") {
    DemoDb demo;
    auto all = demo.db.attendees();
    REQUIRE(all.ok());
    TempDir out;
    const std::string exe = KIOSK_EXE;
    const std::string db = quote(demo.path().string());
    const auto& a = (*all)[3];
    int status = -1;
    run(exe + " badge --db " + db + " --attendee " + a.id + " --out " +
            quote((out.path / "one.pdf").string()),
        &status);
    CHECK(status == 0);
    CHECK(squash(run("pdftotext -enc UTF-8 " + quote((out.path / "one.pdf").string()) + " -"))
              .find(squash(a.displayName())) != std::string::npos);
    auto code = demo.db.primaryCode(a.id);
    REQUIRE(code.ok());
    run(exe + " badge --db " + db + " --code " + quote(*code) + " --out " +
            quote((out.path / "two.pdf").string()) + " --template a7",
        &status);
    CHECK(status == 0);
    CHECK(fs::exists(out.path / "two.pdf"));
    run(exe + " badge --db " + db + " --attendee nobody --out " + quote((out.path / "x.pdf").string()),
        &status);
    CHECK(status == 2);
    CHECK_FALSE(fs::exists(out.path / "x.pdf"));

    const std::string summary =
        run(exe + " badges --db " + db + " --out " + quote((out.path / "all").string()), &status);
    CHECK(status == 0);
    size_t files = 0;
    for (const auto& e : fs::directory_iterator(out.path / "all")) files += e.path().extension() == ".pdf";
    CHECK(files == all->size());
    CHECK(summary.find("badges: ") != std::string::npos);
    CHECK(summary.find('\r') == std::string::npos);  // no progress bar when not on a terminal

    run(exe + " badges --db " + db + " --out " + quote((out.path / "sheets").string()) +
            " --sheet a4-8xa7 --template a7",
        &status);
    CHECK(status == 0);
    CHECK(fs::exists(out.path / "sheets" / "sheets-a4-8xa7-001.pdf"));
    run(exe + " badges --db " + db + " --out " + quote((out.path / "bad").string()) + " --sheet a3", &status);
    CHECK(status == 2);
}

TEST_CASE("templates: errors say what is wrong") {
    auto bad = printing::parseTemplate("{not json", ".");
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().code == "template.syntax");
    auto field = printing::parseTemplate(
        R"({"paper":"a6","elements":[{"type":"text","field":"shoe_size","w":10,"h":5}]})", ".");
    REQUIRE_FALSE(field.ok());
    CHECK(field.error().code == "template.invalid");
    CHECK(field.error().message.find("shoe_size") != std::string::npos);
    auto paper = printing::parseTemplate(R"({"paper":"a2","elements":[]})", ".");
    REQUIRE_FALSE(paper.ok());
    CHECK(paper.error().message.find("a2") != std::string::npos);
    auto missing = printing::loadTemplate("no-such-template");
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().code == "template.not_found");
    auto ok = printing::parseTemplate(
        R"({"paper":"4x3in","categoryColors":{"press":"#112233"},"elements":[{"type":"rect","w":10,"h":5,"color":"category"}]})",
        ".");
    REQUIRE(ok.ok());
    CHECK(ok->widthMm == doctest::Approx(101.6));
    CHECK(ok->categoryColors.at("press").b == doctest::Approx(0x33 / 255.0));
}
