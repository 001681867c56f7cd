// Decoder samples: the shared corpus (minimum pass count, zero misreads), images that must not
// decode, generated codes of every payload kind under webcam distortions, every pixel format,
// and hostile views.
#include "synth.hpp"
#include "test_payloads.hpp"

#include <doctest/doctest.h>
#include <kiosk/scanner.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;
using namespace kiosk::scanner;
using namespace kiosk::scanner::test;

namespace {

std::string foldSpace(const std::string& s) {
    std::string o;
    bool space = false;
    for (char c : s) {
        if (std::isspace(static_cast<unsigned char>(c))) {
            space = true;
            continue;
        }
        if (space && !o.empty()) o += ' ';
        space = false;
        o += c;
    }
    return o;
}

const DecodeBudget kStill{std::chrono::seconds(2), true};

}  // namespace

TEST_CASE("corpus: at least 125 of 137 real photos read, none misread") {
    const fs::path dir = fs::path(KIOSK_SHARED_DIR) / "corpus" / "qr-photos";
    if (!fs::exists(dir)) {
        // A fresh clone has no ../shared (README: where it comes from); the other tests run.
        MESSAGE("SKIPPED: the QR photo corpus is not at " << dir << " (see the README, 'The tests')");
        return;
    }
    Decoder decoder;
    int total = 0, correct = 0, wrong = 0;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
        const auto ext = e.path().extension();
        if (ext != ".png" && ext != ".jpg") continue;
        fs::path txt = e.path();
        txt.replace_extension(".txt");
        std::ifstream in(txt);
        if (!in) continue;
        std::stringstream ss;
        ss << in.rdbuf();
        ++total;
        auto img = loadImage(e.path().string());
        REQUIRE_MESSAGE(img.ok(), e.path());
        auto d = decoder.decode(img->view(), kStill);
        if (!d) continue;
        if (foldSpace(d->text) == foldSpace(ss.str()))
            ++correct;
        else {
            ++wrong;
            MESSAGE("misread: " << e.path() << " → " << d->text);
        }
    }
    MESSAGE("corpus: " << correct << " correct, " << wrong << " wrong, " << (total - correct - wrong)
                       << " missed of " << total);
    CHECK(total == 137);
    CHECK(correct >= 125);
    CHECK(wrong == 0);
}

TEST_CASE("no false positives: noise, gradients, text, blobs, stripes, checkerboards") {
    Decoder decoder;
    int images = 0;
    for (Clutter kind : {Clutter::Noise, Clutter::Gradient, Clutter::TextLike, Clutter::Blobs,
                         Clutter::Stripes, Clutter::Checker})
        for (unsigned seed = 1; seed <= 4; ++seed) {
            Image img = renderClutter(kind, 640, 480, seed);
            ++images;
            auto still = decoder.decode(img.view(), kStill);
            CHECK_MESSAGE(
                !still, "kind " << static_cast<int>(kind) << " seed " << seed << " decoded " << still->text);
            auto live = decoder.decode(img.view());
            CHECK(!live);
        }
    CHECK(images == 24);
}

TEST_CASE("generated codes of every payload kind under webcam distortions") {
    struct Case {
        const char* name;
        Distortion d;
    };
    std::vector<Case> cases = {
        {"clean 4px", {}},
        {"small 2.5px", {2.5}},
        {"large 9px", {9}},
        {"rotated 17deg", {4, 17}},
        {"rotated 135deg", {4, 135}},
        {"sheared tilt", {4, 5, 0.25, 0.8}},
        {"blurred", {4, 0, 0, 1, 1}},
        {"noisy", {4, 0, 0, 1, 0, 18}},
        {"low contrast", {4, 0, 0, 1, 0, 3, 95, 150}},
        {"inverted (dark mode)", {4, 0, 0, 1, 0, 0, 20, 235, true}},
        {"glare", {4, 0, 0, 1, 0, 2, 20, 235, false, 0.6}},
        {"everything", {3.5, 8, 0.12, 0.9, 1, 8, 40, 200, false, 0.35}},
    };
    Decoder decoder;
    int failures = 0;
    for (const auto& [kind, payload] : samplePayloads())
        for (const auto& c : cases) {
            Image img = renderCode(payload, c.d, 800, 600, static_cast<unsigned>(payload.size()));
            auto d = decoder.decode(img.view(), kStill);
            const bool ok = d && d->text == payload;
            if (!ok) ++failures;
            CHECK_MESSAGE(
                ok, kind << " / " << c.name << ": " << (d ? "misread " + d->text : std::string("missed")));
            if (d) CHECK_MESSAGE(d->text == payload, "misread is never acceptable");
        }
    CHECK(failures == 0);
}

TEST_CASE("the live budget still reads a plain code on the first frame and reports corners") {
    Image img = renderCode("k7hq3mxd9za2bncte4wuyp8vfgr5js6e", {5}, 1280, 720);
    Decoder decoder;
    auto d = decoder.decode(img.view());
    REQUIRE(d);
    CHECK(d->primary);
    CHECK(d->format == CodeFormat::QRCode);
    // The code is centred: every corner lies near the middle of the frame.
    for (const auto& p : d->corners) {
        CHECK(p.x > 400);
        CHECK(p.x < 880);
        CHECK(p.y > 150);
        CHECK(p.y < 570);
    }
}

TEST_CASE("inverted code is found by a fallback pass within a few live frames") {
    Distortion dist;
    dist.invert = true;
    Image img = renderCode("A-7KQ2M9X", dist, 640, 480);
    Decoder decoder;
    std::optional<Decoded> d;
    for (int frame = 0; frame < 6 && !d; ++frame) d = decoder.decode(img.view());
    REQUIRE(d);
    CHECK(d->text == "A-7KQ2M9X");
    CHECK_FALSE(d->primary);
}

TEST_CASE("every pixel format and padded strides decode the same code") {
    const std::string payload = "KQ1:ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    Image gray = renderCode(payload, {4}, 320, 240);
    const int w = gray.width(), h = gray.height();
    Decoder decoder;
    for (PixelFormat f : {PixelFormat::Gray8, PixelFormat::RGB24, PixelFormat::BGR24, PixelFormat::RGBA32,
                          PixelFormat::BGRA32, PixelFormat::YUYV}) {
        const int bpp = bytesPerPixel(f);
        const int stride = w * bpp + 24;  // padded rows, as some cameras deliver
        std::vector<uint8_t> buf(static_cast<std::size_t>(stride) * h, 0xAB);
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x) {
                const uint8_t v = gray.data()[y * w + x];
                uint8_t* p = buf.data() + y * stride;
                switch (f) {
                    case PixelFormat::Gray8:
                        p[x] = v;
                        break;
                    case PixelFormat::RGB24:
                    case PixelFormat::BGR24:
                        p[3 * x] = p[3 * x + 1] = p[3 * x + 2] = v;
                        break;
                    case PixelFormat::RGBA32:
                    case PixelFormat::BGRA32:
                        p[4 * x] = p[4 * x + 1] = p[4 * x + 2] = v;
                        p[4 * x + 3] = 255;
                        break;
                    case PixelFormat::YUYV:
                        p[2 * x] = v;
                        p[2 * x + 1] = 128;
                        break;
                }
            }
        auto d = decoder.decode(FrameView{buf.data(), w, h, stride, f});
        CHECK_MESSAGE(d, "format " << static_cast<int>(f));
        if (d) CHECK(d->text == payload);
    }
}

TEST_CASE("invalid views return nothing and never crash") {
    Decoder decoder;
    std::vector<uint8_t> buf(64 * 64 * 4, 0);
    CHECK(!decoder.decode(FrameView{nullptr, 64, 64, 64, PixelFormat::Gray8}));
    CHECK(!decoder.decode(FrameView{buf.data(), 0, 64, 64, PixelFormat::Gray8}));
    CHECK(!decoder.decode(FrameView{buf.data(), 64, -1, 64, PixelFormat::Gray8}));
    CHECK(!decoder.decode(FrameView{buf.data(), 64, 64, 63, PixelFormat::Gray8}));  // stride too small
    CHECK(!decoder.decode(FrameView{buf.data(), 64, 64, 64 * 3 - 1, PixelFormat::RGB24}));
    CHECK(!decoder.decode(FrameView{buf.data(), 63, 64, 200, PixelFormat::YUYV}));       // odd YUYV width
    CHECK(!decoder.decode(FrameView{buf.data(), 20000, 1, 20000, PixelFormat::Gray8}));  // absurd size
    CHECK(!decoder.decode(FrameView{buf.data(), 64, 64, 64, static_cast<PixelFormat>(99)}));
    CHECK(!decoder.decode(FrameView{buf.data(), 1, 1, 1, PixelFormat::Gray8}));
    CHECK_FALSE(isValid(FrameView{buf.data(), 64, 64, 63, PixelFormat::Gray8}));
    CHECK(isValid(FrameView{buf.data(), 64, 64, 64, PixelFormat::Gray8}));
}

TEST_CASE("image loading: PNG round trip, JPEG from the corpus, garbage refused") {
    Image img = renderCode("A-7KQ2M9X", {3}, 200, 150);
    const fs::path tmp =
        fs::temp_directory_path() / ("kiosk_scanner_png_" + std::to_string(::getpid()) + ".png");
    REQUIRE(savePng(img.view(), tmp.string()).ok());
    auto back = loadImage(tmp.string());
    REQUIRE(back.ok());
    CHECK(back->width() == 200);
    CHECK(back->height() == 150);
    CHECK(back->format() == PixelFormat::Gray8);
    CHECK(std::equal(img.data(), img.data() + 200 * 150, back->data()));
    fs::remove(tmp);

    const fs::path jpgPath = fs::path(KIOSK_SHARED_DIR) / "corpus/qr-photos/qrcode-2/high-res-1.jpg";
    if (fs::exists(jpgPath)) {
        auto jpg = loadImage(jpgPath.string());
        REQUIRE(jpg.ok());
        CHECK(jpg->format() == PixelFormat::RGB24);
        CHECK(jpg->width() > 100);
    } else {
        MESSAGE("SKIPPED: JPEG check, " << jpgPath << " is not there (see the README, 'The tests')");
    }

    auto missing = loadImage("/nonexistent/x.png");
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().code == "image.open");

    const uint8_t junk[] = {'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd'};
    auto bad = decodeImage(junk, sizeof junk);
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().code == "image.format");

    // A truncated JPEG header: libjpeg's error path must come back as a value, not abort.
    const uint8_t truncatedJpeg[] = {0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F'};
    auto tj = decodeImage(truncatedJpeg, sizeof truncatedJpeg);
    CHECK_FALSE(tj.ok());
    const uint8_t truncatedPng[] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 'I', 'H'};
    auto tp = decodeImage(truncatedPng, sizeof truncatedPng);
    CHECK_FALSE(tp.ok());
}
