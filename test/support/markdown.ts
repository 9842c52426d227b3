import MarkdownIt from 'markdown-it';

const markdown = new MarkdownIt('default', { html: true, linkify: false });

/** Markdown rendered to HTML as GitHub renders comments and summaries (CommonMark and GFM tables). */
export function renderMarkdown(text: string): string {
  return markdown.render(text);
}
