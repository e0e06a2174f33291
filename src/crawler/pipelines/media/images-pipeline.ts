import { createHash } from 'node:crypto';
import type { CrawlerContext } from '../../components.js';
import { InvalidArgumentError } from '../../errors.js';
import type { Request } from '../../http/request.js';
import type { Response } from '../../http/response.js';
import { ImageException } from './errors.js';
import { FilesPipeline, readMediaSettings, type MediaSettings } from './files-pipeline.js';
import { loadSharp, type Sharp } from './sharp-loader.js';
import { checkStorePath } from './stores/index.js';

/**
 * Images with more pixels than this are refused before decoding (a decompression bomb: a small
 * file that would take gigabytes once decoded). Twice Pillow's MAX_IMAGE_PIXELS, the size at
 * which Scrapy's Pillow raises DecompressionBombError.
 */
export const MAX_IMAGE_PIXELS = 2 * 89_478_485;

/** Thumbnail name → the box [width, height] it fits in (IMAGES_THUMBS). */
export type ThumbSizes = Record<string, readonly [number, number]>;

/** ImagesPipeline's settings: FilesPipeline's plus the loaded image library. */
export interface ImagesSettings extends MediaSettings {
  sharp: Sharp;
}

/** Scrapy's JPEG quality (Pillow's default). */
const JPEG_QUALITY = 75;

/**
 * Scrapy's ImagesPipeline: like FilesPipeline, for the URLs in IMAGES_URLS_FIELD (default
 * `image_urls`) into IMAGES_STORE, results in IMAGES_RESULT_FIELD (default `images`). Every image
 * is converted to RGB JPEG (transparency over white) at `full/<sha1 of url>.jpg`, with a thumbnail
 * per IMAGES_THUMBS entry at `thumbs/<name>/<sha1 of url>.jpg`; images smaller than
 * IMAGES_MIN_WIDTH × IMAGES_MIN_HEIGHT, unreadable, or too large to decode safely fail that image
 * only. Needs the `sharp` package, loaded only when this pipeline is enabled.
 */
export class ImagesPipeline extends FilesPipeline {
  readonly thumbs: ThumbSizes;
  readonly minWidth: number;
  readonly minHeight: number;
  readonly #sharp: Sharp;

  constructor(crawler: CrawlerContext, media: ImagesSettings) {
    super(crawler, media);
    this.#sharp = media.sharp;
    const s = crawler.settings;
    this.thumbs = parseThumbs(s.getDict('IMAGES_THUMBS', {}));
    this.minWidth = nonNegativeInt(s.getInt('IMAGES_MIN_WIDTH', 0), 'IMAGES_MIN_WIDTH');
    this.minHeight = nonNegativeInt(s.getInt('IMAGES_MIN_HEIGHT', 0), 'IMAGES_MIN_HEIGHT');
  }

  /** The IMAGES_* settings, and sharp (loaded here, so only when this pipeline is enabled). */
  static override async loadSettings(crawler: CrawlerContext): Promise<ImagesSettings> {
    const media = readMediaSettings(crawler, this.name, 'IMAGES', 'image_urls', 'images');
    return { ...media, sharp: await loadSharp() };
  }

  override filePath(request: Request, _response: Response | null, _item: any): string {
    return `full/${createHash('sha1').update(request.url).digest('hex')}.jpg`;
  }

  /** Where thumbnail `thumbId` of the image goes: `thumbs/<thumbId>/<sha1 of url>.jpg`. */
  thumbPath(request: Request, thumbId: string, _response: Response | null, _item: any): string {
    return `thumbs/${thumbId}/${createHash('sha1').update(request.url).digest('hex')}.jpg`;
  }

  /** Stores the converted image and its thumbnails; returns the MD5 of the stored full image. */
  protected override async fileDownloaded(response: Response, request: Request, item: any): Promise<string> {
    let checksum: string | null = null;
    for await (const { path, data } of this.getImages(response, request, item)) {
      checksum ??= createHash('md5').update(data).digest('hex');
      await this.media.store.persistFile(checkStorePath(path), data, { contentType: 'image/jpeg' });
    }
    return checksum!;
  }

  /**
   * The full image then each thumbnail, as JPEG, one at a time (only one converted copy in memory).
   * Throws ImageException for an unreadable, too small or too large image.
   */
  async *getImages(response: Response, request: Request, item: any): AsyncGenerator<{ path: string; data: Buffer }> {
    let width: number;
    let height: number;
    let hasAlpha: boolean;
    try {
      // Reading the header decodes no pixels: unlimited here, so a bomb gets its own message below.
      const meta = await this.#sharp(response.body, { limitInputPixels: false }).metadata();
      width = meta.width ?? 0;
      height = meta.height ?? 0;
      hasAlpha = meta.hasAlpha ?? false;
    } catch (err) {
      throw new ImageException(`Cannot read image from ${request}: ${firstLine(err)}`, { cause: err });
    }
    if (width * height > MAX_IMAGE_PIXELS) {
      throw new ImageException(`Image from ${request} is too large to decode safely (${width}x${height} > ${MAX_IMAGE_PIXELS} pixels): possible decompression bomb`);
    }
    if (width < this.minWidth || height < this.minHeight) {
      throw new ImageException(`Image too small (${width}x${height} < ${this.minWidth}x${this.minHeight}) from ${request}`);
    }
    const source = this.#sharp(response.body, { limitInputPixels: MAX_IMAGE_PIXELS, failOn: 'error' });
    const convert = async (resize?: readonly [number, number]): Promise<Buffer> => {
      let img = source.clone();
      if (hasAlpha) img = img.flatten({ background: '#ffffff' });
      if (resize) img = img.resize(resize[0], resize[1], { fit: 'inside', withoutEnlargement: true });
      try {
        return await img.toColourspace('srgb').jpeg({ quality: JPEG_QUALITY }).toBuffer();
      } catch (err) {
        throw new ImageException(`Cannot convert image from ${request}: ${firstLine(err)}`, { cause: err });
      }
    };
    yield { path: this.filePath(request, response, item), data: await convert() };
    for (const [thumbId, size] of Object.entries(this.thumbs)) {
      yield { path: this.thumbPath(request, thumbId, response, item), data: await convert(size) };
    }
  }
}

/** libvips appends its whole warning log to messages; the first line says what is wrong. */
function firstLine(err: unknown): string {
  return String((err as Error)?.message ?? err).split('\n')[0]!;
}

function nonNegativeInt(n: number, setting: string): number {
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${setting} must be a whole number of pixels ≥ 0, got ${n}`);
  return n;
}

function parseThumbs(raw: Record<string, unknown>): ThumbSizes {
  const out: Record<string, readonly [number, number]> = {};
  for (const [name, size] of Object.entries(raw)) {
    const ok =
      /^[A-Za-z0-9_-]+$/.test(name) &&
      Array.isArray(size) &&
      size.length === 2 &&
      size.every((n) => Number.isInteger(n) && (n as number) > 0);
    if (!ok) {
      throw new InvalidArgumentError(
        `IMAGES_THUMBS: entry ${JSON.stringify(name)}: ${JSON.stringify(size)} is not valid; use {"small": [50, 50], "big": [270, 270]} (names of letters, digits, _ or -; sizes in whole pixels > 0)`,
      );
    }
    out[name] = [size[0] as number, size[1] as number];
  }
  return out;
}
