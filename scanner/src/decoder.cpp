// The multi-pass decoder. Pass order and why (measured on the shared corpus, see
// docs/scanner.md): the plain LocalAverage pass reads 110/137; each fallback pass below recovers
// codes it misses (GlobalHistogram/FixedThreshold: uneven light; inversion: light-on-dark codes;
// upscaling: small or fine codes; downscaling: blurred or very large modules). Full-resolution
// passes come before downscaled ones because a downscaled pass can read a different, smaller
// code nested inside or beside the real one.
#include "pixels.hpp"

#include <kiosk/core/utf8.hpp>
#include <kiosk/scanner.hpp>

#include <ZXing/ReadBarcode.h>

#include <algorithm>
#include <cmath>

namespace kiosk::scanner {

namespace {

using Clock = std::chrono::steady_clock;

enum class Transform { None, Inverted, Scale, CentreScale };

struct Pass {
    const char* name;
    Transform transform;
    double scale;  // for Scale / CentreScale
    ZXing::Binarizer binarizer;
    double seedMsPerMegapixel;  // first estimate (measured on noise frames, one core) until measured
};

// Index 0 is the primary pass; the rest are fallbacks.
constexpr Pass kPasses[] = {
    {"local", Transform::None, 1.0, ZXing::Binarizer::LocalAverage, 10},
    {"histogram", Transform::None, 1.0, ZXing::Binarizer::GlobalHistogram, 5},
    {"inverted", Transform::Inverted, 1.0, ZXing::Binarizer::LocalAverage, 11},
    {"fixed", Transform::None, 1.0, ZXing::Binarizer::FixedThreshold, 10},
    {"x2 local", Transform::Scale, 2.0, ZXing::Binarizer::LocalAverage, 40},
    {"x1.5 local", Transform::Scale, 1.5, ZXing::Binarizer::LocalAverage, 25},
    {"x2 histogram", Transform::Scale, 2.0, ZXing::Binarizer::GlobalHistogram, 20},
    {"/2 local", Transform::Scale, 0.5, ZXing::Binarizer::LocalAverage, 3},
    {"/2 histogram", Transform::Scale, 0.5, ZXing::Binarizer::GlobalHistogram, 2},
    {"/3 local", Transform::Scale, 1.0 / 3.0, ZXing::Binarizer::LocalAverage, 1.5},
    {"inverted histogram", Transform::Inverted, 1.0, ZXing::Binarizer::GlobalHistogram, 6},
    {"centre x2 local", Transform::CentreScale, 2.0, ZXing::Binarizer::LocalAverage, 10},
};
constexpr std::size_t kPassCount = sizeof(kPasses) / sizeof(kPasses[0]);

// Upscaling a whole camera frame costs 4x its pixels; beyond this size the upscale passes work
// on the centre region instead (where the UI's target frame asks people to hold the code).
constexpr long kMaxUpscalePixels = 1'000'000;

CodeFormat toCodeFormat(ZXing::BarcodeFormat f) {
    switch (f) {
        case ZXing::BarcodeFormat::QRCode:
            return CodeFormat::QRCode;
        case ZXing::BarcodeFormat::MicroQRCode:
            return CodeFormat::MicroQRCode;
        case ZXing::BarcodeFormat::Aztec:
            return CodeFormat::Aztec;
        case ZXing::BarcodeFormat::DataMatrix:
            return CodeFormat::DataMatrix;
        case ZXing::BarcodeFormat::Code128:
            return CodeFormat::Code128;
        default:
            return CodeFormat::Other;
    }
}

ZXing::BarcodeFormats formatsOf(const DecoderOptions& o) {
    ZXing::BarcodeFormats f;
    if (o.qr) f |= ZXing::BarcodeFormat::QRCode;
    if (o.microQr) f |= ZXing::BarcodeFormat::MicroQRCode;
    if (o.aztec) f |= ZXing::BarcodeFormat::Aztec;
    if (o.dataMatrix) f |= ZXing::BarcodeFormat::DataMatrix;
    if (o.code128) f |= ZXing::BarcodeFormat::Code128;
    return f;
}

double msSince(Clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

}  // namespace

struct Decoder::State {
    std::array<double, kPassCount> msPerMegapixel{};  // running cost estimate per pass
    std::size_t cursor = 1;                           // next fallback pass for live frames
    State() {
        for (std::size_t i = 0; i < kPassCount; ++i) msPerMegapixel[i] = kPasses[i].seedMsPerMegapixel;
    }
};

Decoder::Decoder(DecoderOptions options) : m_options(options), m_state(std::make_unique<State>()) {}
Decoder::~Decoder() = default;
Decoder::Decoder(Decoder&&) noexcept = default;
Decoder& Decoder::operator=(Decoder&&) noexcept = default;

std::optional<Decoded> Decoder::decode(const FrameView& frame, DecodeBudget budget) {
    if (!isValid(frame) || !m_state) return std::nullopt;
    const ZXing::BarcodeFormats formats = formatsOf(m_options);
    if (formats.empty()) return std::nullopt;
    const auto t0 = Clock::now();
    try {
        const Gray gray = toGray(frame);
        const double megapixels = static_cast<double>(gray.width) * gray.height / 1e6;
        const double budgetMs = std::chrono::duration<double, std::milli>(budget.time).count();

        auto runPass = [&](std::size_t index) -> std::optional<Decoded> {
            const Pass& p = kPasses[index];
            const auto tp = Clock::now();
            Gray work;
            const Gray* img = &gray;
            double scale = 1.0;
            int offX = 0, offY = 0;
            switch (p.transform) {
                case Transform::None:
                    break;
                case Transform::Inverted:
                    work = inverted(gray);
                    img = &work;
                    break;
                case Transform::Scale:
                case Transform::CentreScale: {
                    scale = p.scale;
                    Gray roi;
                    const Gray* src = &gray;
                    const bool centre =
                        p.transform == Transform::CentreScale ||
                        (scale > 1.0 && static_cast<long>(gray.width) * gray.height > kMaxUpscalePixels);
                    if (centre) {
                        offX = gray.width / 4;
                        offY = gray.height / 4;
                        roi = crop(gray, offX, offY, gray.width / 2, gray.height / 2);
                        src = &roi;
                    }
                    const int w = static_cast<int>(src->width * scale),
                              h = static_cast<int>(src->height * scale);
                    if (w < 21 || h < 21) return std::nullopt;  // smaller than the smallest QR code
                    const double inv = 1.0 / scale;
                    if (scale < 1.0 && std::abs(inv - std::round(inv)) < 1e-9)
                        work = downscale(*src, static_cast<int>(std::round(inv)));
                    else
                        work = resize(*src, w, h);
                    img = &work;
                    break;
                }
            }
            ZXing::DecodeHints hints;
            hints.setFormats(formats).setTryHarder(true).setTryRotate(true).setBinarizer(p.binarizer);
            hints.setTryDownscale(p.transform == Transform::None);
            hints.setMaxNumberOfSymbols(1);
            const auto result = ZXing::ReadBarcode(
                ZXing::ImageView(img->px.data(), img->width, img->height, ZXing::ImageFormat::Lum), hints);
            const double ms = msSince(tp);
            double& est = m_state->msPerMegapixel[index];
            const double perMp = ms / std::max(megapixels, 0.01);
            est = 0.8 * est + 0.2 * perMp;
            if (!result.isValid()) return std::nullopt;
            std::string text = result.text();
            if (text.empty() || !core::utf8::isValid(text)) return std::nullopt;
            Decoded d;
            d.text = std::move(text);
            d.format = toCodeFormat(result.format());
            d.strategy = p.name;
            d.primary = index == 0;
            const auto& pos = result.position();
            for (int k = 0; k < 4; ++k) {
                d.corners[k].x = static_cast<int>(std::lround(pos[k].x / scale)) + offX;
                d.corners[k].y = static_cast<int>(std::lround(pos[k].y / scale)) + offY;
            }
            return d;
        };

        auto finish = [&](std::optional<Decoded> d) {
            if (d) d->ms = msSince(t0);
            return d;
        };

        if (auto d = runPass(0)) return finish(std::move(d));
        if (budget.thorough) {
            for (std::size_t i = 1; i < kPassCount; ++i)
                if (auto d = runPass(i)) return finish(std::move(d));
            return std::nullopt;
        }
        // Live frame: continue the rotation of fallback passes while the estimate fits the budget.
        // A pass that succeeds stays first in line, so the next frame can confirm its read.
        for (std::size_t n = 1; n < kPassCount; ++n) {
            const std::size_t i = m_state->cursor;
            const double estimate = m_state->msPerMegapixel[i] * megapixels;
            if (msSince(t0) + estimate > budgetMs) break;
            if (auto d = runPass(i)) return finish(std::move(d));
            m_state->cursor = i + 1 < kPassCount ? i + 1 : 1;
        }
        return std::nullopt;
    } catch (...) {
        // ZXing or an allocation failed on a hostile frame: a frame without a result.
        return std::nullopt;
    }
}

std::string_view formatName(CodeFormat f) {
    switch (f) {
        case CodeFormat::QRCode:
            return "qr";
        case CodeFormat::MicroQRCode:
            return "microqr";
        case CodeFormat::Aztec:
            return "aztec";
        case CodeFormat::DataMatrix:
            return "datamatrix";
        case CodeFormat::Code128:
            return "code128";
        case CodeFormat::Other:
            return "other";
    }
    return "other";
}

}  // namespace kiosk::scanner
