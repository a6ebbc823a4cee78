// A filing portal's use of window.formlint (docs/embedding.md): check the chosen file before it
// is submitted and list what is wrong. Nothing leaves the browser.
(function () {
  'use strict';
  var verdict = document.getElementById('verdict');
  var list = document.getElementById('findings');
  formlint.ready().then(function () {
    verdict.textContent = 'formlint ' + formlint.version + ' 已就绪，请选择文件。';
  });
  document.getElementById('form-file').addEventListener('change', function (ev) {
    var file = ev.target.files[0];
    if (!file) return;
    file.arrayBuffer().then(function (buf) {
      // options: {pack: 'central-2020'} or a pack's files, {year: 2020}; default: by fiscal year
      return formlint.check(new Uint8Array(buf), file.name);
    }).then(function (report) {
      var s = report.summary;
      verdict.textContent = s.errors ? '有 ' + s.errors + ' 个错误，请修改后再提交。'
        : '可以提交（' + s.warnings + ' 个警告，' + s.info + ' 条提示）。';
      list.textContent = '';
      report.findings.forEach(function (f) {
        var li = document.createElement('li');
        li.textContent = f.code + ' ' + (f.sheet ? f.sheet + (f.cell ? '!' + f.cell : '') + ' ' : '') + f.message;
        list.appendChild(li);
      });
    }).catch(function (e) { verdict.textContent = '无法检查：' + e.message; });
  });
})();
