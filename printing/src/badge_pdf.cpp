// libharu the RAII way: one owned document, an error handler that only records, a check after
// each step. Fonts reach libharu as hb-subset output through a memfd, because libharu 2.3.0 can
// only load TrueType from a file name.
#include "badge_internal.hpp"

#include <kiosk/core/file.hpp>

#include <hpdf.h>
#include <png.h>
#include <sys/mman.h>
#include <unistd.h>

#include <ZXing/BarcodeFormat.h>
#include <ZXing/BitMatrix.h>
#include <ZXing/CharacterSet.h>
#include <ZXing/MultiFormatWriter.h>

#include <cstdio>
#include <exception>
#include <map>

namespace kiosk::printing::detail {

namespace {
void recordError(HPDF_STATUS error, HPDF_STATUS detail, void* user) noexcept {
    auto* self = static_cast<PdfDoc*>(user);
    if (self->m_status == 0) {
        self->m_status = error;
        self->m_detail = detail;
    }
}

}  // namespace

void PdfDoc::Deleter::operator()(HPDF_Doc d) const {
    HPDF_Free(d);
}

PdfDoc::PdfDoc() : m_doc(HPDF_New(recordError, this)) {
    if (!m_doc) return;
    HPDF_SetCompressionMode(doc(), HPDF_COMP_ALL);
    HPDF_UseUTFEncodings(doc());
    HPDF_SetInfoAttr(doc(), HPDF_INFO_CREATOR, "kiosk badge renderer");
}

PdfDoc::~PdfDoc() = default;

core::Error PdfDoc::error(const std::string& step) const {
    char buf[160];
    if (!m_doc) return core::Error{"pdf.alloc", "libharu could not create a document (out of memory?)"};
    std::snprintf(buf, sizeof buf, "libharu error 0x%04lX (detail %lu) while %s", m_status, m_detail,
                  step.c_str());
    return core::Error{"pdf.libharu",
                       std::string(buf) + "; the badge was not produced, report this with the attendee id"};
}

HPDF_Page PdfDoc::addPage(double widthMm, double heightMm) {
    if (failed()) return nullptr;
    HPDF_Page page = HPDF_AddPage(doc());
    if (!page) return nullptr;
    HPDF_Page_SetWidth(page, static_cast<HPDF_REAL>(widthMm * kPtPerMm));
    HPDF_Page_SetHeight(page, static_cast<HPDF_REAL>(heightMm * kPtPerMm));
    return failed() ? nullptr : page;
}

core::Status PdfDoc::prepareFonts(FontLibrary& fonts, const std::vector<const TextBlock*>& blocks) {
    std::map<int, std::set<char32_t>> used;
    for (const TextBlock* b : blocks)
        for (const Line& l : b->lines)
            for (const Run& r : l.runs)
                if (!m_fonts.count(r.face)) used[r.face].insert(r.text.begin(), r.text.end());
    for (auto& [face, chars] : used) {
        auto bytes = fonts.subset(face, chars);
        if (!bytes) return bytes.error();
        core::UniqueFd fd(memfd_create("kiosk-font", MFD_CLOEXEC));
        if (!fd) return core::Error{"font.io", "memfd_create failed; is /proc mounted?"};
        if (auto st = core::writeAll(fd.get(), **bytes, "a font subset (memory file)"); !st) return st;
        char path[64];
        std::snprintf(path, sizeof path, "/proc/self/fd/%d", fd.get());
        // libharu opens its own descriptor onto the memfd, so ours can close right after.
        const char* name = HPDF_LoadTTFontFromFile(doc(), path, HPDF_TRUE);
        if (!name || failed()) return error("loading font subset of " + fonts.path(face));
        HPDF_Font font = HPDF_GetFont(doc(), name, "UTF-8");
        if (!font || failed()) return error("creating font " + std::string(name));
        m_fonts[face] = font;
    }
    return {};
}

HPDF_Font PdfDoc::font(int face) const {
    auto it = m_fonts.find(face);
    return it == m_fonts.end() ? nullptr : it->second;
}

bool pngDecodes(const std::string& bytes) {
    // libharu hands a PNG to libpng without a setjmp: a damaged file makes libpng abort() the
    // process. libpng's simplified API returns errors instead; a full decode proves the file.
    png_image image{};
    image.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&image, bytes.data(), bytes.size())) return false;
    image.format = PNG_FORMAT_RGBA;
    if (image.width == 0 || image.height == 0 || image.width > 8192 || image.height > 8192) {
        png_image_free(&image);
        return false;
    }
    std::vector<unsigned char> pixels(PNG_IMAGE_SIZE(image));
    const bool ok = png_image_finish_read(&image, nullptr, pixels.data(), 0, nullptr) != 0;
    png_image_free(&image);
    return ok;
}

HPDF_Image PdfDoc::image(const std::string& bytes) {
    auto it = m_images.find(&bytes);
    if (it != m_images.end()) return it->second;
    if (bytes.size() < 4) return nullptr;
    // Callers pass only logos that passed pngDecodes (checkLogo, badgeContentFor).
    const auto* data = reinterpret_cast<const HPDF_BYTE*>(bytes.data());
    const auto size = static_cast<HPDF_UINT>(bytes.size());
    HPDF_Image img = static_cast<unsigned char>(bytes[0]) == 0x89
                         ? HPDF_LoadPngImageFromMem(doc(), data, size)
                         : HPDF_LoadJpegImageFromMem(doc(), data, size);
    if (!img) return nullptr;
    // libharu 2.3.0 writes a PNG's alpha channel (its SMask) uncompressed whatever the
    // document's compression mode: 94 KiB of a 112 KiB badge for a 320×300 logo. Flate it.
    if (auto* smask = static_cast<HPDF_Dict>(HPDF_Dict_GetItem(img, "SMask", HPDF_OCLASS_DICT)))
        smask->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
    m_images.emplace(&bytes, img);
    return img;
}

core::Result<std::string> PdfDoc::save() {
    if (failed()) return error("drawing");
    if (HPDF_SaveToStream(doc()) != HPDF_OK || failed()) return error("saving");
    HPDF_UINT32 size = HPDF_GetStreamSize(doc());
    std::string out(size, '\0');
    HPDF_UINT32 got = size;
    HPDF_STATUS st = HPDF_ReadFromStream(doc(), reinterpret_cast<HPDF_BYTE*>(out.data()), &got);
    // Reading the whole stream ends in HPDF_STREAM_EOF, which is success here.
    if (st != HPDF_OK && st != HPDF_STREAM_EOF) return error("reading the saved document");
    if (m_status == HPDF_STREAM_EOF) m_status = 0;
    if (failed()) return error("reading the saved document");
    out.resize(got);
    return out;
}

// --- qr -----------------------------------------------------------------------------------------

core::Result<QrMatrix> encodeQr(const std::string& payload, int eccLevel) {
    if (payload.empty()) return core::Error{"qr.encode", "no QR payload for this attendee"};
    try {
        ZXing::MultiFormatWriter writer(ZXing::BarcodeFormat::QRCode);
        writer.setMargin(0).setEccLevel(eccLevel);
        bool ascii = true;
        for (unsigned char c : payload) ascii = ascii && c < 0x80;
        if (!ascii) writer.setEncoding(ZXing::CharacterSet::UTF8);
        ZXing::BitMatrix m = writer.encode(payload, 0, 0);
        QrMatrix q;
        q.size = m.width();
        if (q.size <= 0 || m.height() != q.size)
            return core::Error{"qr.encode", "QR encoder returned no matrix"};
        q.modules.resize(static_cast<size_t>(q.size) * q.size);
        for (int y = 0; y < q.size; ++y)
            for (int x = 0; x < q.size; ++x)
                q.modules[static_cast<size_t>(y) * q.size + x] = m.get(x, y) ? 1 : 0;
        return q;
    } catch (const std::exception& e) {
        // ZXing throws for payloads too long for any QR version.
        return core::Error{"qr.encode", std::string("cannot encode the QR payload: ") + e.what()};
    }
}

// --- drawing ------------------------------------------------------------------------------------

double Frame::x(double mm) const {
    return mm * kPtPerMm;
}
double Frame::y(double mmFromTop) const {
    return (heightMm - mmFromTop) * kPtPerMm;
}

void drawQr(HPDF_Page page, const QrMatrix& qr, double xPt, double yPt, double sizePt) {
    // Quiet zone of 2 modules inside the box; dark modules merged into horizontal runs, and runs
    // repeated on following rows merged into one taller rectangle: one path, one fill.
    const int quiet = 2;
    const double m = sizePt / (qr.size + 2 * quiet);
    const double x0 = xPt + quiet * m;
    const double top = yPt + sizePt - quiet * m;
    HPDF_Page_SetRGBFill(page, 1, 1, 1);
    HPDF_Page_Rectangle(page, static_cast<HPDF_REAL>(xPt), static_cast<HPDF_REAL>(yPt),
                        static_cast<HPDF_REAL>(sizePt), static_cast<HPDF_REAL>(sizePt));
    HPDF_Page_Fill(page);
    HPDF_Page_SetRGBFill(page, 0, 0, 0);
    std::vector<uint8_t> done(qr.modules.size(), 0);
    for (int y = 0; y < qr.size; ++y) {
        int x = 0;
        while (x < qr.size) {
            if (!qr.at(x, y) || done[static_cast<size_t>(y) * qr.size + x]) {
                ++x;
                continue;
            }
            int x1 = x;
            while (x1 < qr.size && qr.at(x1, y) && !done[static_cast<size_t>(y) * qr.size + x1]) ++x1;
            // Grow downwards while the next row has exactly this run (bounded by light modules).
            int y1 = y + 1;
            while (y1 < qr.size) {
                bool same = (x == 0 || !qr.at(x - 1, y1)) && (x1 == qr.size || !qr.at(x1, y1));
                for (int k = x; same && k < x1; ++k)
                    same = qr.at(k, y1) && !done[static_cast<size_t>(y1) * qr.size + k];
                if (!same) break;
                for (int k = x; k < x1; ++k) done[static_cast<size_t>(y1) * qr.size + k] = 1;
                ++y1;
            }
            HPDF_Page_Rectangle(page, static_cast<HPDF_REAL>(x0 + x * m),
                                static_cast<HPDF_REAL>(top - y1 * m), static_cast<HPDF_REAL>((x1 - x) * m),
                                static_cast<HPDF_REAL>((y1 - y) * m));
            x = x1;
        }
    }
    HPDF_Page_Fill(page);
}

void drawTextBlock(PdfDoc& pdf, HPDF_Page page, const TextBlock& block, double xPt, double yPt, double wPt,
                   double hPt, Align align, const Color& color) {
    if (block.lines.empty()) return;
    const double blockH = block.ascent + block.descent + (block.lines.size() - 1) * block.lineHeight;
    double baseline = yPt + hPt - (hPt - blockH) / 2 - block.ascent;
    HPDF_Page_BeginText(page);
    HPDF_Page_SetRGBFill(page, static_cast<HPDF_REAL>(color.r), static_cast<HPDF_REAL>(color.g),
                         static_cast<HPDF_REAL>(color.b));
    HPDF_Font current = nullptr;
    for (const Line& line : block.lines) {
        double x = xPt;
        if (align == Align::Center) x = xPt + (wPt - line.width) / 2;
        if (align == Align::Right) x = xPt + wPt - line.width;
        for (const Run& run : line.runs) {
            HPDF_Font f = pdf.font(run.face);
            if (!f) continue;
            if (f != current) {
                HPDF_Page_SetFontAndSize(page, f, static_cast<HPDF_REAL>(block.size));
                current = f;
            }
            HPDF_Page_TextOut(page, static_cast<HPDF_REAL>(x), static_cast<HPDF_REAL>(baseline),
                              encodeUtf8(run.text).c_str());
            x += run.width;
        }
        baseline -= block.lineHeight;
    }
    HPDF_Page_EndText(page);
}

}  // namespace kiosk::printing::detail
