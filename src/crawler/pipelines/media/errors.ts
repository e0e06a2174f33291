import { TscrapyError } from '../../errors.js';

/** A file could not be downloaded, checked or stored; the item keeps going without it (Scrapy's FileException). */
export class FileException extends TscrapyError {
  override readonly code: string = 'TSC_ERR_FILE';
}

/** An image is unreadable, too small, or too large to decode safely (Scrapy's ImageException). */
export class ImageException extends FileException {
  override readonly code: string = 'TSC_ERR_IMAGE';
}

/** A media store URI or a path inside a store cannot be used. */
export class MediaStoreError extends TscrapyError {
  override readonly code: string = 'TSC_ERR_MEDIA_STORE';
}

/** An optional package a media pipeline needs (sharp for ImagesPipeline) is not installed or cannot load. */
export class MediaDependencyError extends TscrapyError {
  override readonly code: string = 'TSC_ERR_MEDIA_DEPENDENCY';
}
