#pragma once
// Internals of the badge renderer, shared by the badge_*.cpp files (tests use the public
// BadgeRenderer::layoutText instead; this header exposes libharu types).
//
// Sections: text (UTF-8, composition, coverage policy) · fonts (chains, metrics, subsets) ·
// layout (auto-fit) · pdf (libharu document wrapper) · qr.
#include <kiosk/core/utf8.hpp>
#include <kiosk/printing/badge.hpp>

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include <hpdf.h>

namespace kiosk::printing::detail {

// --- text ---------------------------------------------------------------------------------------

/// Invalid sequences become U+FFFD (which is then reported as unsupported).
inline std::u32string decodeUtf8(std::string_view s) {
    return core::utf8::decode(s);
}
inline std::string encodeUtf8(std::u32string_view s) {
    return core::utf8::encode(s);
}
/// Canonical composition of base + combining marks ("e\u0301" -> "é"), so fonts without mark
/// positioning still show precomposed letters.
std::u32string composeCanonical(const std::u32string& s);
/// Scripts we can typeset without shaping or bidi: Latin, Greek, Cyrillic, Armenian, Georgian,
/// punctuation and symbols. RTL and shaping scripts (Arabic, Hebrew, Indic, CJK…) are not,
/// even when a font has glyphs for them, because drawing them unshaped is wrong.
bool typesettable(char32_t c);
/// Invisible format characters (ZWJ, variation selectors, bidi controls): dropped silently.
bool invisibleFormat(char32_t c);
bool isCombiningMark(char32_t c);
/// "U+4E2D U+6587" for a warning message.
std::string describeCodepoints(const std::u32string& s, size_t max = 8);

// --- fonts --------------------------------------------------------------------------------------

enum class Weight { Regular, Bold };

struct FontFace;  // an hb_face + hb_font over one TrueType file (badge_fonts.cpp)

/// The fonts a renderer typesets with: for each weight, a chain of faces tried in order.
class FontLibrary {
public:
    /// Finds the chain's files through fontconfig. Errors: "font.missing" (install
    /// fonts-dejavu-core / fonts-noto-core).
    static core::Result<std::shared_ptr<FontLibrary>> create(const std::string& primaryFamily);
    ~FontLibrary();

    /// Index of the first face of the weight's chain that has a glyph for c, or -1.
    int faceFor(char32_t c, Weight w) const;
    bool hasGlyph(int face, char32_t c) const;
    /// Advance width in em/1000 units (as PDF widths are).
    double advance(int face, char32_t c) const;
    double ascender(int face) const;   ///< em/1000
    double descender(int face) const;  ///< em/1000, negative
    const std::string& path(int face) const;
    int faceCount() const;
    /// A TrueType file holding only these characters' glyphs (no hinting, no layout tables),
    /// cached by (face, characters). Errors: "font.subset".
    core::Result<std::shared_ptr<const std::string>> subset(int face, const std::set<char32_t>& chars);

private:
    FontLibrary() = default;
    std::vector<std::unique_ptr<FontFace>> m_faces;
    std::array<std::vector<int>, 2> m_chains;
    std::mutex m_mutex;
    std::unordered_map<std::string, std::shared_ptr<const std::string>> m_subsets;
    std::vector<std::string> m_subsetOrder;  // FIFO eviction keeps the cache bounded
};

// --- layout -------------------------------------------------------------------------------------

struct Run {
    int face = -1;
    std::u32string text;
    double width = 0;  ///< points
};
struct Line {
    std::vector<Run> runs;
    double width = 0;  ///< points
};
struct TextBlock {
    std::vector<Line> lines;
    double size = 0;        ///< font size, points
    double lineHeight = 0;  ///< points
    double ascent = 0;      ///< points above the baseline
    double descent = 0;     ///< points below the baseline (positive)
    bool truncated = false;
    bool shrunk = false;
    std::u32string dropped;  ///< characters no font or policy allowed
};

struct FitRequest {
    std::u32string text;
    double width = 0, height = 0;  ///< box, points
    double size = 10, minSize = 0;
    int maxLines = 1;
    Weight weight = Weight::Regular;
    /// A two-line break never falls inside the last occurrence of this (the family name).
    std::u32string keepWhole;
};
/// Shrink, then break over lines, then ellipsis: the result always fits the box.
TextBlock fitText(const FontLibrary& fonts, const FitRequest& req);
/// Word-wrapped paragraph at a fixed size (confirmations); lines beyond maxLines are cut.
TextBlock wrapText(const FontLibrary& fonts, const std::u32string& text, double width, double size,
                   int maxLines, Weight weight);

// --- pdf ----------------------------------------------------------------------------------------

/// Owns one HPDF_Doc. libharu's error handler only records the first error; every step is
/// checked with failed() and turned into a Result by the caller.
class PdfDoc {
public:
    PdfDoc();
    ~PdfDoc();
    PdfDoc(const PdfDoc&) = delete;
    PdfDoc& operator=(const PdfDoc&) = delete;

    bool failed() const { return m_status != 0 || !m_doc; }
    core::Error error(const std::string& step) const;
    HPDF_Doc doc() const { return m_doc.get(); }

    /// Adds a page of the given size in millimetres.
    HPDF_Page addPage(double widthMm, double heightMm);
    /// Subsets and loads the fonts a set of text blocks uses (once per document and face).
    core::Status prepareFonts(FontLibrary& fonts, const std::vector<const TextBlock*>& blocks);
    HPDF_Font font(int face) const;
    /// A PNG or JPEG (by its signature) loaded once per document; null on failure (see failed()).
    HPDF_Image image(const std::string& bytes);
    core::Result<std::string> save();

    unsigned long m_status = 0;
    unsigned long m_detail = 0;

private:
    struct Deleter {
        void operator()(HPDF_Doc d) const;
    };
    std::unique_ptr<std::remove_pointer_t<HPDF_Doc>, Deleter> m_doc;
    std::unordered_map<int, HPDF_Font> m_fonts;
    std::unordered_map<const std::string*, HPDF_Image> m_images;
    std::vector<int> m_fds;  // memfd files the fonts were loaded from, closed with the document
};

/// Whether libpng decodes this PNG completely (libharu must never be given one it cannot: it
/// lets libpng abort the process). Images larger than 8192 pixels a side are refused too.
bool pngDecodes(const std::string& bytes);

// --- qr -----------------------------------------------------------------------------------------

/// Module matrix of a QR code (true = dark), without quiet zone. Errors: "qr.encode".
struct QrMatrix {
    int size = 0;
    std::vector<uint8_t> modules;
    bool at(int x, int y) const { return modules[static_cast<size_t>(y) * size + x] != 0; }
};
core::Result<QrMatrix> encodeQr(const std::string& payload, int eccLevel);

// --- drawing (badge_draw.cpp) -------------------------------------------------------------------

/// Maps badge millimetres (origin top-left) to page points (origin bottom-left).
struct Frame {
    double heightMm = 0;
    double x(double mm) const;
    double y(double mmFromTop) const;
};
void drawQr(HPDF_Page page, const QrMatrix& qr, double xPt, double yPt, double sizePt);
/// Draws a fitted block in a box (points, bottom-left origin), aligned.
void drawTextBlock(PdfDoc& pdf, HPDF_Page page, const TextBlock& block, double xPt, double yPt, double wPt,
                   double hPt, Align align, const Color& color);

constexpr double kPtPerMm = 72.0 / 25.4;

}  // namespace kiosk::printing::detail
