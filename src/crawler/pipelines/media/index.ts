import type { ComponentClass } from '../../components.js';
import { FilesPipeline } from './files-pipeline.js';
import { ImagesPipeline } from './images-pipeline.js';

export { MediaPipeline, type MediaResult, type MediaOutcome } from './media-pipeline.js';
export { FilesPipeline, type MediaSettings } from './files-pipeline.js';
export { ImagesPipeline, MAX_IMAGE_PIXELS, type ThumbSizes } from './images-pipeline.js';
export { FileException, ImageException, MediaStoreError, MediaDependencyError } from './errors.js';
export { FSFilesStore, S3FilesStore, FTPFilesStore, openFilesStore, checkStorePath, type FilesStore, type StoredFileInfo } from './stores/index.js';

/** The media pipelines by the names ITEM_PIPELINES uses (Scrapy's dotted paths work too). */
export const MEDIA_COMPONENTS: Record<string, ComponentClass> = {
  FilesPipeline,
  'scrapy.pipelines.files.FilesPipeline': FilesPipeline,
  ImagesPipeline,
  'scrapy.pipelines.images.ImagesPipeline': ImagesPipeline,
};
