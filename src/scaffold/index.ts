/** Project and spider scaffolding (`tscrapy new`, `tscrapy genspider`). */
export { createProject, type CreateProjectOptions, type CreateProjectResult } from './new-project.js';
export { createSpider, spiderNamesIn, type CreateSpiderOptions, type CreateSpiderResult } from './new-spider.js';
export { spiderTemplateNames, readSpiderTemplate, SPIDER_TEMPLATES, templatesDir } from './templates.js';
export { validateProjectName, validateSpiderName, parseSpiderTarget, spiderClassName } from './names.js';
export { InvalidNameError, TargetExistsError, TemplateError, ScaffoldInstallError } from './errors.js';
